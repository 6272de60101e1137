"""Evaluate score_claims on the public dev sets: used by `make bench` and the CI gate."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

CLAIM_SETS = ("frank", "xsumfaith", "qags_cnndm", "qags_xsum", "cogensumm", "cliff")


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    i = 0
    while i < len(p):
        j = i
        while j + 1 < len(p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)) if n1 and n0 else float("nan")


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    tpr = (pred[y == 1]).mean() if (y == 1).any() else 0.0
    tnr = (~pred[y == 0]).mean() if (y == 0).any() else 0.0
    return float((tpr + tnr) / 2)


def evaluate_claim_sets(shared: Path, sets: tuple[str, ...] = CLAIM_SETS, fast: bool = False) -> dict[str, Any]:
    """Score every dev claim with a shipped model (``fast``: the one without encoder);
    BAcc at the model's per-set cut, ROC AUC, claims/s."""
    from ._model import ClaimModel
    from ._score import score_claims

    model = ClaimModel.bundled(fast=fast)
    out: dict[str, Any] = {}
    for name in sets:
        path = shared / "benchmarks" / name / "dev.jsonl"
        if not path.exists():
            continue
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        t = time.perf_counter()
        scored = score_claims(rows, model=model)
        secs = time.perf_counter() - t
        y = np.array([int(r["label"]) for r in rows])
        p = np.array([s["score"] for s in scored])
        cut = model.spec.get("thresholds_per_set", {}).get(name, model.threshold)
        out[name] = {"n": len(rows), "bacc": round(balanced_accuracy(y, p >= cut), 4),
                     "bacc_default_cut": round(balanced_accuracy(y, p >= model.threshold), 4),
                     "auc": round(roc_auc(y, p), 4), "claims_per_s": round(len(rows) / secs, 1),
                     "cv": model.spec.get("cv", {}).get(name)}
    return out
