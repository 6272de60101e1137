"""Story stage (after verify): copy families, distinct claims, copied passages, ranking."""

from ._claims import Claim, Version, find_claims, mutation
from ._families import Copy, Family, apply_independence, find_families
from ._reuse import Passage, shared_runs
from ._story import Ranked, StoryReport, build_story, find_families_and_apply, rank_articles

__all__ = [
    "Claim", "Copy", "Family", "Passage", "Ranked", "StoryReport", "Version",
    "apply_independence", "build_story", "find_claims", "find_families", "find_families_and_apply",
    "mutation", "rank_articles", "shared_runs",
]
