"""Does an entailment model help the claim model? Grouped-CV ablation on the dev sets.

    python train/nli_ablation.py [--model DIR]   (default: the bundled model)

Scores each dev claim's evidence window (the one the claim features chose; written by
train/features.py next to its cache) with the entailment model, then compares 5-fold
grouped-CV ROC AUC of the claim model (before calibration) without and with that
probability as one more feature, and of a plain mean. docs/claim_model.md reports it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_claims as tc  # noqa: E402
from features import SETS, compute  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import storycheck.verify._features as feature_code
    import storycheck.verify._model as model
    from storycheck.verify._entail import BUNDLED_NLI_DIR, OnnxEntailment

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--model", type=Path, default=BUNDLED_NLI_DIR)
    ap.add_argument("--reuse-features", action="store_true", help="cached features even if the feature code changed")
    a = ap.parse_args()
    cache = ROOT / ".cache" / "claim_features.npz"
    rows, X, _ = compute(a.shared, cache, a.reuse_features)
    pairs = json.loads(cache.with_suffix(".pairs.json").read_text())
    t = time.perf_counter()
    nli = OnnxEntailment(a.model).entail([tuple(p) for p in pairs])
    print(f"entailment: {len(pairs)} pairs in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    y = np.array([int(r["label"]) for r in rows])
    ds = np.array([r["dataset"] for r in rows])
    feature_code.FEATURES = model.FEATURES = (*feature_code.FEATURES, "nli")  # one more column, allowed to raise the score only
    tc.INCREASING = (*tc.INCREASING, "nli")

    without = tc.out_of_fold(rows, np.column_stack([X, np.zeros(len(rows))]), y, 5)
    with_nli = tc.out_of_fold(rows, np.column_stack([X, nli]), y, 5)
    out = {}
    for d in SETS:
        m = ds == d
        out[d] = {"nli_alone": round(float(roc_auc_score(y[m], nli[m])), 4),
                  "without": round(float(roc_auc_score(y[m], without[m])), 4),
                  "with": round(float(roc_auc_score(y[m], with_nli[m])), 4),
                  "plain_mean": round(float(roc_auc_score(y[m], (without[m] + nli[m]) / 2)), 4)}
    out["raised_on"] = sum(1 for d in SETS if out[d]["with"] > out[d]["without"])
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
