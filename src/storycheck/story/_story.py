"""The story view: families, claims, copied passages and ranking from verified articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._types import Article
from ._claims import Claim, find_claims
from ._families import Family, apply_independence, find_families
from ._reuse import Passage, shared_runs


@dataclass
class Ranked:
    article: str
    unique_share: float  # share of its text (characters) no independent outlet carries
    drivers: list[int]  # the sentences behind it, longest first


@dataclass
class StoryReport:
    families: list[Family]
    claims: list[Claim]
    passages: list[Passage]
    ranking: list[Ranked]


def find_families_and_apply(articles: Sequence[Article]) -> list[Family]:
    families = find_families(articles)
    apply_independence(articles, families)
    return families


def rank_articles(articles: Sequence[Article]) -> list[Ranked]:
    """Most original (or most invented) first: the share nobody independent carries."""
    out = []
    for a in articles:
        total = sum(s.end - s.start for s in a.sentences) or 1
        alone = [s for s in a.sentences if s.verdict in ("unsupported", "opinion")]
        share = sum(s.end - s.start for s in alone) / total
        drivers = [s.index for s in sorted(alone, key=lambda s: (s.verdict != "unsupported", -(s.end - s.start)))]
        out.append(Ranked(a.id, round(share, 4), drivers[:5]))
    return sorted(out, key=lambda r: -r.unique_share)


def build_story(articles: Sequence[Article], families: list[Family] | None = None) -> StoryReport:
    """Everything the story view shows, from articles that verify has already judged."""
    fams = families if families is not None else find_families_and_apply(articles)
    return StoryReport(fams, find_claims(articles), shared_runs(articles), rank_articles(articles))
