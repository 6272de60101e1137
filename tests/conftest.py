from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYCHECK_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples" / "merrow-bridge"


@pytest.fixture(scope="session")
def seeds() -> tuple[Path, Path]:
    """(faithful 001, rewrite 000), read in place; never copied into the repo."""
    faithful = sorted(SEEDS.glob("001_*.txt"))
    rewrite = sorted(SEEDS.glob("000_*.txt"))
    if not faithful or not rewrite:
        pytest.skip(f"seed articles not found under {SEEDS} (the shared/ folder is absent)")
    return faithful[0], rewrite[0]


@pytest.fixture(scope="session")
def seed_result(seeds):
    from storycheck import compare

    arts = compare([seeds[0], seeds[1]])
    by_path = {a.path: a for a in arts}
    return by_path[str(seeds[0])], by_path[str(seeds[1])]


@pytest.fixture(scope="session")
def example_result():
    from storycheck import compare

    return {a.outlet: a for a in compare([EXAMPLES])}


def find(article, fragment: str):
    hits = [s for s in article.sentences if fragment in s.text]
    assert len(hits) == 1, f"{fragment!r} matched {len(hits)} sentences"
    return hits[0]
