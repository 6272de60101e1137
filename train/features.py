"""Compute claim features for every dev example in ../shared/benchmarks (cached to .cache/)."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SETS = ("frank", "xsumfaith", "qags_cnndm", "qags_xsum", "cogensumm", "cliff")


#: Real claims checked against the web page they cite (WiCE, ../shared/nli/): long, abstractive
#: claims against a multi-sentence source, the nearest public data to a news sentence checked
#: against another article. Supported vs not supported; "partially supported" is left out
#: (it is neither). Used for training only; the figures stay on the six sets.
WICE = ("wice_dev.jsonl", "wice_test.jsonl")
WICE_LABELS = {"supported": 1, "not_supported": 0}


def load(shared: Path, sets: tuple[str, ...] = SETS) -> list[dict]:
    rows = []
    for name in sets:
        if name == "wice":
            for f in WICE:
                p = shared / "nli" / f
                if p.exists():
                    for line in p.read_text().splitlines():
                        r = json.loads(line) if line.strip() else None
                        if r and r["label"] in WICE_LABELS:
                            rows.append({"id": r["id"], "dataset": "wice", "source_id": r["id"], "source": r["premise"],
                                         "claim": r["hypothesis"], "label": WICE_LABELS[r["label"]]})
            continue
        p = shared / "benchmarks" / name / "dev.jsonl"
        if p.exists():
            rows += [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
    return rows


# the verify modules claim features run
FEATURE_CODE = ("_source.py", "_features.py", "_typed.py", "_names.py", "_quotes.py")


def code_hash() -> str:
    """Hash of the code that computes features: a cache from other code is stale."""
    h = hashlib.sha1()
    for f in sorted((ROOT / "src" / "storycheck").rglob("*.py")):
        if f.parent.name in ("analyze", "segment", "embed") or f.name in FEATURE_CODE:
            h.update(f.read_bytes())
    return h.hexdigest()


def compute(shared: Path, cache: Path | None = None, reuse: bool = False,
            sets: tuple[str, ...] = SETS) -> tuple[list[dict], np.ndarray, float]:
    """(rows, feature matrix, seconds spent) — features from the shipped code, no label used.
    ``reuse`` takes a cache of the same features even when the code changed since
    (for trying model recipes; never for the shipped model)."""
    from storycheck.embed import default_backend
    from storycheck.verify._features import FEATURES, features_batch
    from storycheck.verify._score import BATCH
    from storycheck.verify._source import as_written, prepare_texts

    rows = load(shared, sets)
    if cache and cache.exists():
        data = np.load(cache, allow_pickle=False)
        if (list(data["ids"]) == [r["id"] for r in rows] and tuple(data["features"]) == FEATURES
                and "code" in data.files and (reuse or str(data["code"]) == code_hash())):
            return rows, data["X"], float(data["seconds"])
    emb = default_backend()
    prepared, states = {}, {}
    X = np.zeros((len(rows), len(FEATURES)))
    pairs: list[tuple[str, str]] = []  # (evidence window, claim as matched): what an entailment model would read
    t = time.perf_counter()
    for start in range(0, len(rows), BATCH):  # the same batching as score_claims
        chunk = rows[start : start + BATCH]
        for r in chunk:
            if r["source"] not in prepared:
                prepared[r["source"]] = prepare_texts([r["source"]])
        for i, (x, _, best) in enumerate(features_batch([(r["claim"], prepared[r["source"]]) for r in chunk], emb, cache=states)):
            X[start + i] = x
            src = prepared[chunk[i]["source"]]
            pairs.append((src.texts[best] if src.texts else "", as_written(chunk[i]["claim"], src)))
        if len(prepared) > 4 * BATCH:
            prepared.clear()
            states.clear()
        print(f"features {start + len(chunk)}/{len(rows)}", file=sys.stderr)
    secs = time.perf_counter() - t
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, X=X, ids=np.array([r["id"] for r in rows]), features=np.array(FEATURES), seconds=secs,
                 code=code_hash())
        cache.with_suffix(".pairs.json").write_text(json.dumps(pairs))
    return rows, X, secs
