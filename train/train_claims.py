"""`make train`: fit the claim model on the public dev sets and write
src/storycheck/verify/data/claim_model.json plus cross-validated figures.

Only ../shared/benchmarks/*/dev.jsonl is used. Cross-validation folds are by
source article (GroupKFold on source_id), so no source is in train and test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features import SETS, compute  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
C = 1.0  # plain L2; the 16 features are few and standardised


def balance_weights(rows: list[dict], y: np.ndarray) -> np.ndarray:
    """Each dataset counts equally, and within it each class counts equally."""
    w = np.ones(len(rows))
    ds = np.array([r["dataset"] for r in rows])
    for d in set(ds):
        for lab in (0, 1):
            m = (ds == d) & (y == lab)
            if m.any():
                w[m] = 1.0 / (2 * m.sum() * len(set(ds)))
    return w * len(rows)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    clf = LogisticRegression(C=C, max_iter=2000).fit((X - mean) / scale, y, sample_weight=w)
    return clf, mean, scale


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    grid = np.unique(np.round(p, 3))
    scores = [balanced_accuracy_score(y, p >= t) if 0 < (p >= t).sum() < len(p) else 0 for t in grid]
    return float(grid[int(np.argmax(scores))])


def cross_validate(rows, X, y, folds=5):
    groups = np.array([r["source_id"] for r in rows])
    ds = np.array([r["dataset"] for r in rows])
    p = np.zeros(len(rows))
    pred = np.zeros(len(rows), dtype=bool)
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        clf, mean, scale = fit(X[train], y[train], balance_weights([rows[i] for i in train], y[train]))
        p_train = clf.predict_proba((X[train] - mean) / scale)[:, 1]
        p[test] = clf.predict_proba((X[test] - mean) / scale)[:, 1]
        # one threshold per dataset, chosen on the training folds only (as SummaC tunes per dataset)
        for d in set(ds[test]):
            tr = train[ds[train] == d]
            cut = best_threshold(p_train[ds[train] == d], y[tr]) if len(tr) else 0.5
            m = test[ds[test] == d]
            pred[m] = p[m] >= cut
    out = {}
    for d in SETS:
        m = ds == d
        if m.any():
            out[d] = {"n": int(m.sum()), "bacc": round(float(balanced_accuracy_score(y[m], pred[m])), 4),
                      "auc": round(float(roc_auc_score(y[m], p[m])), 4)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    rows, X, secs = compute(args.shared, ROOT / ".cache" / "claim_features.npz")
    y = np.array([int(r["label"]) for r in rows])
    cv = cross_validate(rows, X, y)
    clf, mean, scale = fit(X, y, balance_weights(rows, y))
    from storycheck.verify._claims import FEATURES

    p = clf.predict_proba((X - mean) / scale)[:, 1]
    ds = np.array([r["dataset"] for r in rows])
    per_set = {d: best_threshold(p[ds == d], y[ds == d]) for d in SETS if (ds == d).any()}
    spec = {
        "features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
        "coef": clf.coef_[0].tolist(), "intercept": float(clf.intercept_[0]),
        "threshold": best_threshold(p, y), "thresholds_per_set": per_set,
        "trained_on": [f"{d}/dev.jsonl" for d in SETS], "examples": len(rows), "cv": cv,
    }
    out = ROOT / "src" / "storycheck" / "verify" / "data" / "claim_model.json"
    out.write_text(json.dumps(spec, indent=1))
    print(json.dumps({"cv": cv, "coef": dict(zip(FEATURES, np.round(clf.coef_[0], 3)))}, indent=1))


if __name__ == "__main__":
    main()
