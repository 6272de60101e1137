"""Compute claim features for every dev example in ../shared/benchmarks (cached to .cache/)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SETS = ("frank", "xsumfaith", "qags_cnndm", "qags_xsum", "cogensumm", "cliff")


def load(shared: Path) -> list[dict]:
    rows = []
    for name in SETS:
        p = shared / "benchmarks" / name / "dev.jsonl"
        if p.exists():
            rows += [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
    return rows


def compute(shared: Path, cache: Path | None = None) -> tuple[list[dict], np.ndarray, float]:
    """(rows, feature matrix, seconds spent) — features from the shipped code, no label used."""
    from storycheck.embed import CachedEmbedder, default_backend
    from storycheck.verify._claims import FEATURES, _prepare, claim_features

    rows = load(shared)
    if cache and cache.exists():
        data = np.load(cache, allow_pickle=False)
        if list(data["ids"]) == [r["id"] for r in rows] and tuple(data["features"]) == FEATURES:
            return rows, data["X"], float(data["seconds"])
    emb = CachedEmbedder(default_backend())
    prepared = {}
    X = np.zeros((len(rows), len(FEATURES)))
    t = time.perf_counter()
    for i, r in enumerate(rows):
        key = r["source"]
        if key not in prepared:
            prepared = {key: _prepare([key])}  # rows of one source are adjacent
        X[i], _, _ = claim_features(r["claim"], prepared[key], emb)
        if i % 500 == 0:
            print(f"features {i}/{len(rows)}", file=sys.stderr)
    secs = time.perf_counter() - t
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, X=X, ids=np.array([r["id"] for r in rows]), features=np.array(FEATURES), seconds=secs)
    return rows, X, secs
