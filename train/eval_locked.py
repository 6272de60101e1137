"""Held-out figures of a claim-scoring recipe, three ways side by side (issue 24):

- **locked**: fit on the training part of the locked split (train/locked_split.py) plus WiCE, score
  the locked part: ROC AUC per set and balanced accuracy at the default threshold (0.5);
- **LODO** (leave one dataset out): fit on the training parts of the five other sets plus WiCE,
  score the sixth set's locked part (so no claim scored was seen by any model, the entailment
  model included);
- **CV**: 5-fold GroupKFold by source on the training part (what choices are made on).

    python train/eval_locked.py                       # 0.8.0's recipe and the shipped files
    python train/eval_locked.py --recipe robust --nli  # a recipe with the entailment model
    python train/eval_locked.py --grid                 # the choices tried (CV on the training part only)

Needs scikit-learn (``make train`` installs it). Claim features come from train/features.py's cache.
The entailment probabilities (``--nli``) are computed once per model file and cached in .cache/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locked_split  # noqa: E402
import train_claims as tc  # noqa: E402
from features import SETS, compute  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: The recipes compared. "v080" is 0.8.0's make train; the others change what issue 24 asks to try.
RECIPES: dict[str, dict[str, Any]] = {
    "v080": {"C": 1.0, "trees": 300, "fast": False, "nli": None},
}


def load(shared: Path, reuse: bool = False) -> tuple[list[dict], np.ndarray, list[list[str]]]:
    rows, X, _ = compute(shared, ROOT / ".cache" / "claim_features.npz", reuse)
    pairs = json.loads((ROOT / ".cache" / "claim_features.pairs.json").read_text())
    w_rows, w_X, _ = compute(shared, ROOT / ".cache" / "claim_features_wice.npz", reuse, sets=("wice",))
    w_pairs = json.loads((ROOT / ".cache" / "claim_features_wice.pairs.json").read_text())
    return rows + w_rows, np.vstack([X, w_X]), pairs + w_pairs


def nli_probs(pairs: list[list[str]], model_dir: Path) -> np.ndarray:
    """(n, 3) P(entails, neutral, contradicts) of each claim against its evidence window."""
    from storycheck.verify._entail import OnnxEntailment

    key = hashlib.sha1((model_dir / "model.onnx").read_bytes()).hexdigest()[:12]
    cache = ROOT / ".cache" / f"nli_probs_{key}_{len(pairs)}.npy"
    if cache.exists():
        return np.load(cache)
    p = OnnxEntailment(model_dir).probs([(a, b) for a, b in pairs])
    np.save(cache, p)
    return p


def fit(rows: list[dict], X: np.ndarray, y: np.ndarray, nli: np.ndarray | None, r: dict[str, Any]) -> dict:
    """The claim model of recipe r (with its calibration); with r["nli"], a second calibration that
    also reads the entailment probabilities (fit on the same out-of-fold claim scores)."""
    from storycheck.verify._model import KIND, calibration_inputs, nli_inputs

    w = tc.balance_weights(rows, y)
    spec, oof = _claim_fit(rows, X, y, w, r)
    lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(calibration_inputs(oof, X, KIND), y, sample_weight=w)
    spec["calibration"] = {"features": list(KIND), "coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0])}
    if r["nli"]:
        assert nli is not None
        c = np.column_stack([calibration_inputs(oof, X, KIND), nli_inputs(nli, X, r["nli"])])
        lr2 = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(c, y, sample_weight=w)
        spec["calibration_nli"] = {"features": list(KIND), "nli": list(r["nli"]), "coef": lr2.coef_[0].tolist(),
                                   "intercept": float(lr2.intercept_[0])}
    spec["threshold"] = 0.5
    return spec


def _claim_fit(rows: list[dict], X: np.ndarray, y: np.ndarray, w: np.ndarray,
               r: dict[str, Any]) -> tuple[dict, np.ndarray]:
    """The claim model and its inner out-of-fold scores, memoised on disk by the training rows and
    the claim-model settings (the entailment calibration is refit on top, cheaply)."""
    import pickle

    key = hashlib.sha1(json.dumps([[r_["id"] for r_ in rows], r["C"], r["trees"], r["fast"]]).encode()
                       + X.tobytes() + y.tobytes()).hexdigest()[:16]
    memo = ROOT / ".cache" / "fits" / f"{key}.pkl"
    if memo.exists():
        return pickle.loads(memo.read_bytes())
    tc.C = r["C"]
    tc.TREES["max_iter"] = r["trees"] or 1
    trees = bool(r["trees"])
    oof = tc.out_of_fold(rows, X, y, tc.INNER_FOLDS, trees, r["fast"])
    spec = tc.fit(X, y, w, trees, r["fast"])
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_bytes(pickle.dumps((spec, oof)))
    return spec, oof


def score(spec: dict, X: np.ndarray, nli: np.ndarray | None, band: float | None = None) -> np.ndarray:
    """The score a user gets: the claim model's calibrated probability, or with an entailment
    calibration the combined one (with ``band``: only for claims whose claim-only score is
    within band of 0.5, the cascade; the others keep the claim-only score)."""
    from storycheck.verify._model import ClaimModel, calibrate

    m = ClaimModel(spec)
    raw = m.uncalibrated(X)
    p = calibrate(raw, X, spec["calibration"])
    if "calibration_nli" in spec and nli is not None:
        q = calibrate(raw, X, spec["calibration_nli"], nli)
        p = q if band is None else np.where(np.abs(p - 0.5) <= band, q, p)
    return p


def figures(p: np.ndarray, y: np.ndarray, ds: np.ndarray, mask: np.ndarray) -> dict[str, dict[str, float]]:
    out = {}
    for d in SETS:
        m = mask & (ds == d)
        if m.any() and 0 < y[m].sum() < m.sum():
            out[d] = {"n": int(m.sum()), "auc": round(float(roc_auc_score(y[m], p[m])), 4),
                      "bacc": round(float(balanced_accuracy_score(y[m], p[m] >= 0.5)), 4)}
    out["mean"] = {"auc": round(float(np.mean([v["auc"] for v in out.values()])), 4),
                   "bacc": round(float(np.mean([v["bacc"] for v in out.values()])), 4)}
    return out


def evaluate(rows, X, y, nli, r, modes=("locked", "lodo", "cv"), band=None) -> dict[str, Any]:
    ds = np.array([r_["dataset"] for r_ in rows])
    locked = np.array([r_["dataset"] != "wice" and locked_split.is_locked(r_["source"]) for r_ in rows])
    train = ~locked
    out: dict[str, Any] = {}
    sub = (lambda idx: nli[idx]) if nli is not None else (lambda idx: None)
    if "locked" in modes:
        tr = np.flatnonzero(train)
        spec = fit([rows[i] for i in tr], X[tr], y[tr], sub(tr), r)
        p = np.zeros(len(rows))
        te = np.flatnonzero(locked)
        p[te] = score(spec, X[te], sub(te), band)
        out["locked"] = figures(p, y, ds, locked)
    if "lodo" in modes:
        p = np.zeros(len(rows))
        for d in SETS:
            tr = np.flatnonzero(train & (ds != d))
            te = np.flatnonzero(locked & (ds == d))
            spec = fit([rows[i] for i in tr], X[tr], y[tr], sub(tr), r)
            p[te] = score(spec, X[te], sub(te), band)
        out["lodo"] = figures(p, y, ds, locked)
    if "cv" in modes:
        tr_all = np.flatnonzero(train)
        groups = np.array([rows[i]["source_id"] for i in tr_all])
        p = np.zeros(len(rows))
        for a, b in GroupKFold(n_splits=5).split(tr_all, y[tr_all], groups):
            tr, te = tr_all[a], tr_all[b]
            spec = fit([rows[i] for i in tr], X[tr], y[tr], sub(tr), r)
            p[te] = score(spec, X[te], sub(te), band)
        out["cv"] = figures(p, y, ds, train)
    return out


def shipped(rows, X, y, nli, band=None) -> dict[str, Any]:
    """The shipped claim_model.json as is (0.8.0's was fit on all of dev: in-sample on the locked part)."""
    import json as _json

    spec = _json.loads((ROOT / "src" / "storycheck" / "verify" / "data" / "claim_model.json").read_text())
    ds = np.array([r_["dataset"] for r_ in rows])
    locked = np.array([r_["dataset"] != "wice" and locked_split.is_locked(r_["source"]) for r_ in rows])
    return {"locked": figures(score(spec, X, nli, band), y, ds, locked)}


def table(res: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per set, AUC / BAcc@0.5 per (recipe, mode)."""
    cols = [(name, mode) for name, r in res.items() for mode in r]
    head = "| set | " + " | ".join(f"{n} {m}" for n, m in cols) + " |"
    lines = [head, "|---|" + "---|" * len(cols)]
    for d in (*SETS, "mean"):
        cells = []
        for n, m in cols:
            v = res[n][m].get(d)
            cells.append(f"{v['auc']:.3f} / {v['bacc']:.3f}" if v else "")
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--recipe", action="append", default=None, help="recipe names (default: v080)")
    ap.add_argument("--nli-model", type=Path, default=None, help="entailment model folder (default: the bundled one)")
    ap.add_argument("--band", type=float, default=None, help="cascade: combined score only within band of 0.5")
    ap.add_argument("--grid", action="store_true", help="CV on the training part for the recipe choices")
    ap.add_argument("--modes", default="locked,lodo,cv")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--write", default=None, metavar="RECIPE",
                    help="fit RECIPE on the training part (+ WiCE) and write claim_model.json (with --band, and the "
                         "figures of --json, a file an earlier run wrote, inside it)")
    ap.add_argument("--reuse-features", action="store_true", help="cached features even if the feature code changed")
    a = ap.parse_args()
    rows, X, pairs = load(a.shared, a.reuse_features)
    y = np.array([int(r["label"]) for r in rows])
    nli = None
    names = a.recipe or ["v080"]
    if a.grid:
        names = a.recipe or [n for n in GRID]
    chosen = {**RECIPES, **GRID}
    if any(chosen[n]["nli"] for n in names) or (a.write and chosen[a.write]["nli"]):
        from storycheck.verify._entail import BUNDLED_NLI_DIR

        nli = nli_probs(pairs, a.nli_model or BUNDLED_NLI_DIR)
    if a.write:
        write(rows, X, y, nli, a.write, a.band, a.json)
        return
    res: dict[str, Any] = {}
    if not a.grid and "v080" in names:
        res["shipped-0.8.0"] = shipped(rows, X, y, None)
    modes = ("cv",) if a.grid else tuple(a.modes.split(","))
    for n in names:
        res[n] = evaluate(rows, X, y, nli, chosen[n], modes, a.band)
        print(n, json.dumps({m: v["mean"] for m, v in res[n].items()}), file=sys.stderr, flush=True)
    print(table(res))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n")


def write(rows, X, y, nli, name: str, band: float | None, figures_json: Path | None) -> None:
    """The shipped claim_model.json: recipe ``name`` fit on the training part of the locked split and WiCE
    (the locked part stays out, so its figures stay held-out for the shipped file too)."""
    r = {**RECIPES, **GRID}[name]
    from features import WICE

    locked = np.array([r_["dataset"] != "wice" and locked_split.is_locked(r_["source"]) for r_ in rows])
    tr = np.flatnonzero(~locked)
    spec = fit([rows[i] for i in tr], X[tr], y[tr], nli[tr] if nli is not None else None, r)
    if band is not None and "calibration_nli" in spec:
        spec["nli_band"] = band
    ds = np.array([r_["dataset"] for r_ in rows])
    p = score(spec, X, nli, band)
    spec["thresholds_per_set"] = {d: tc.best_threshold(p[tr][ds[tr] == d], y[tr][ds[tr] == d]) for d in SETS}
    spec.update({"recipe": {"name": name, **r},
                 "trained_on": [f"{d}/dev.jsonl, training part of train/locked_split.json" for d in SETS]
                 + [f"nli/{f} (supported vs not_supported)" for f in WICE], "examples": int(len(tr))})
    if figures_json is not None and figures_json.exists():
        spec["held_out"] = json.loads(figures_json.read_text()).get(name)
        cv = (spec["held_out"] or {}).get("cv", {})
        spec["cv"] = {d: {"auc": v["auc"], "bacc_default": v["bacc"]} for d, v in cv.items() if d in SETS}
    out = ROOT / "src" / "storycheck" / "verify" / "data" / "claim_model.json"
    out.write_text(json.dumps(spec, separators=(",", ":")))
    print(f"wrote {out}", file=sys.stderr)


#: The choices tried for a robust claim model and the way the entailment model enters the score
#: (chosen on CV of the training part only).
GRID: dict[str, dict[str, Any]] = {
    "v080": RECIPES["v080"],
    "C0.1-t300": {"C": 0.1, "trees": 300, "fast": False, "nli": None},
    "C0.1-t100": {"C": 0.1, "trees": 100, "fast": False, "nli": None},
    "C1-t100": {"C": 1.0, "trees": 100, "fast": False, "nli": None},
    "C0.1-linear": {"C": 0.1, "trees": 0, "fast": False, "nli": None},
    "fast-C0.1-t100": {"C": 0.1, "trees": 100, "fast": True, "nli": None},
    # the entailment model's P(entails) and P(contradicts) in the calibration step
    "v080+nli": {"C": 1.0, "trees": 300, "fast": False, "nli": ["entail", "contradict"]},
    "v080+nli-kind": {"C": 1.0, "trees": 300, "fast": False,
                      "nli": ["entail", "contradict", "entail*trigram_cov", "entail*src_len"]},
    "C0.1-linear+nli": {"C": 0.1, "trees": 0, "fast": False, "nli": ["entail", "contradict"]},
    "C0.1-t100+nli": {"C": 0.1, "trees": 100, "fast": False, "nli": ["entail", "contradict"]},
    "fast-C0.1-t100+nli": {"C": 0.1, "trees": 100, "fast": True, "nli": ["entail", "contradict"]},
}


if __name__ == "__main__":
    main()
