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
    python train/nli_heads.py                          # both entailment heads on every claim pair, cached
    python train/eval_locked.py --reuse-features --combine --json .cache/eval_combine.json
                                                       # the claim model and the entailment model combined
                                                       # after the fact (COMBINES), three ways
    python train/eval_locked.py --reuse-features --combine --only "claim;hold0 p,e3" --json .cache/eval_combine.json
    python train/eval_locked.py --reuse-features --write-combine "hold0 p,e3" --json .cache/eval_combine.json
                                                       # the shipped claim_model.json's ``combine`` (the fit
                                                       # p,e3, its verdict held to the claim model's: hold 0)
    python train/eval_locked.py --per-set-cuts         # its thresholds_per_set, on score-claims' scores now

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
    ap.add_argument("--combine", action="store_true",
                    help="the claim model and the entailment model's heads combined after the fact (COMBINES)")
    ap.add_argument("--only", default=None, metavar="NAMES",
                    help="with --combine: only these COMBINES entries, separated by ';' (their cascades too)")
    ap.add_argument("--per-set-cuts", action="store_true",
                    help="choose the shipped claim_model.json's thresholds_per_set (bench and CI gate only) on the "
                         "scores score-claims gives each dev set now (in-sample, as the gate measures them)")
    ap.add_argument("--write-combine", default=None, metavar="NAME",
                    help="add the COMBINES entry NAME (a fit) to the shipped claim_model.json as its default score "
                         "(with --json, the figures an earlier --combine run wrote)")
    a = ap.parse_args()
    if a.per_set_cuts:
        write_cuts(a.shared)
        return
    rows, X, pairs = load(a.shared, a.reuse_features)
    y = np.array([int(r["label"]) for r in rows])
    if a.write_combine:
        from nli_heads import heads

        write_combine(rows, X, y, heads(pairs, a.nli_model), a.write_combine, a.json)
        return
    if a.combine:
        from nli_heads import heads

        modes = tuple(a.modes.split(","))
        only = tuple(a.only.split(";")) if a.only else ()
        res_c = evaluate_combine(rows, X, y, heads(pairs, a.nli_model), RECIPES["v080"], modes, only)
        print(combine_table(res_c, modes))
        for m in modes:
            print(f"\n{m}, per set (AUC / BAcc@0.5 / BAcc@t)\n")
            print(per_set_table(res_c, [n for n in COMBINES if n in res_c], m))
        if a.json:
            a.json.write_text(json.dumps(res_c, indent=1) + "\n")
        return
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


# --- issue 24: the claim model and the entailment model as two views, combined after the fact ---

#: Inputs from train/nli_heads.py's (n, 4) array: the 0.8.0 two-way head's P(entails) ("e2"), the
#: 3-way head's own P(entails) ("e3"), P(contradicts) ("c3"); "cmix": P(contradicts) as the bundled
#: model's probs() gives it (the 3-way split of the two-way head's 1 - P(entails)).
def _views(H: np.ndarray) -> dict[str, np.ndarray]:
    e2, e3, c3 = H[:, 0].astype(float), H[:, 1].astype(float), H[:, 3].astype(float)
    return {"e2": e2, "e3": e3, "c3": c3, "cmix": (1 - e2) * c3 / np.maximum(1 - e3, 1e-9)}


#: name -> (how, inputs): "mean" the plain mean of probabilities, "logit" the mean of logits,
#: "rank" the mean of each input's empirical CDF on the training part, "fit" a logistic regression
#: over the inputs' logits fit on the training part's out-of-fold claim scores (classes balanced
#: per set, as the claim model); "logitcal" the mean of logits recalibrated by the kind of text as the
#: claim model's calibration step is (so that 0.5 is the balanced cut on every kind); "alone" the
#: first input as is. "p" is the claim model's probability.
COMBINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "claim": ("alone", ("p",)),
    "e2": ("alone", ("e2",)),
    "e3": ("alone", ("e3",)),
    "mean p,e2": ("mean", ("p", "e2")),
    "logit p,e2": ("logit", ("p", "e2")),
    "rank p,e2": ("rank", ("p", "e2")),
    "fit p,e2": ("fit", ("p", "e2")),
    "fit p,e2,cmix": ("fit", ("p", "e2", "cmix")),
    "mean p,e3": ("mean", ("p", "e3")),
    "logit p,e3": ("logit", ("p", "e3")),
    "rank p,e3": ("rank", ("p", "e3")),
    "fit p,e3": ("fit", ("p", "e3")),
    "fit p,e3,c3": ("fit", ("p", "e3", "c3")),
    "mean p,e2,e3": ("mean", ("p", "e2", "e3")),
    "fit p,e2,e3,c3": ("fit", ("p", "e2", "e3", "c3")),
    "logitcal p,e2": ("logitcal", ("p", "e2")),
    "logitcal p,e3": ("logitcal", ("p", "e3")),
    # the same fits without WiCE's rows (the 0.8.0 head was fit on WiCE dev: in-sample there)
    "fit-nw p,e2": ("fit-nw", ("p", "e2")),
    "logitcal-nw p,e2": ("logitcal-nw", ("p", "e2")),
    # P(entails) calibrated by the kind of text first (as the claim model is), then the logit mean
    "ecal-nw p,e2": ("ecal-nw", ("p", "e2")),
    # the fit with the kind of text: P(entails)'s weight and the offset may move with it
    "fitk p,e3": ("fitk", ("p", "e3")),
    "fitk p,e2": ("fitk", ("p", "e2")),
    # issue 24 item 3, keeping the verdicts: the kind of text enters the offset only
    # "kcal": the claim model's own calibration step refit with logit P(entails) as one more input
    # (its weight the same on every kind; the claim's slope and offset move with the kind as before)
    "kcal p,e3": ("kcal", ("p", "e3")),
    "kcal p,e2": ("kcal", ("p", "e2")),
    # "ecent": P(entails)'s logit minus its class-balanced mean for the kind of text (a linear
    # regression on the kind features, training part), so that it moves no kind's cut on average
    "ecent p,e3": ("ecent", ("p", "e3")),
    "ecent-nw p,e3": ("ecent-nw", ("p", "e3")),
    "ecent-sc p,e3": ("ecent-sc", ("p", "e3")),
    # "hold<b>": the fit p,e3, its verdict held to the claim model's where the claim-only score is
    # farther than b/100 from 0.5 (the score moved just across 0.5; the ranking otherwise the fit's)
    "hold0 p,e3": ("hold0", ("p", "e3")),
    "hold5 p,e3": ("hold5", ("p", "e3")),
    "hold10 p,e3": ("hold10", ("p", "e3")),
    "hold14 p,e3": ("hold14", ("p", "e3")),
    # "fitoff": the fit plus the kind features on the offset only, L2 strength C chosen by
    # grouped 4-fold CV on the training part (mean per-set AUC + BAcc at 0.5)
    "fitoff p,e3": ("fitoff", ("p", "e3")),
    "fitoff-sc p,e3": ("fitoff-sc", ("p", "e3")),
    "fitoff-s p,e3": ("fitoff-s", ("p", "e3")),
    # the same with little regularisation (C 100)
    "fitoffu p,e3": ("fitoffu", ("p", "e3")),
    "fitoffu-sc p,e3": ("fitoffu-sc", ("p", "e3")),
    "fitoffu-s p,e3": ("fitoffu-s", ("p", "e3")),
    "fitoffu-nw p,e3": ("fitoffu-nw", ("p", "e3")),
    "fitoffu-sc-nw p,e3": ("fitoffu-sc-nw", ("p", "e3")),
    "fit-nw p,e3": ("fit-nw", ("p", "e3")),
}


#: The combinations also measured with the cascade (entailment only within a band of 0.5).
CASCADED = ("fit p,e2", "fit p,e3", "logit p,e2", "ecal-nw p,e2", "fitk p,e3", "fitk p,e2", "kcal p,e3",
            "ecent p,e3", "fitoff p,e3")


def choose_band(p: np.ndarray, s: np.ndarray, mask: np.ndarray, outside: np.ndarray, agree: float = 0.99) -> float:
    """The narrowest band around 0.5 of the claim-only score ``p`` outside which the score ``outside``
    (computed without the entailment model) gives the verdict (at 0.5) of the combined score ``s`` on
    at least ``agree`` of the claims in ``mask``."""
    full = s[mask] >= 0.5
    for b in np.round(np.arange(0.0, 0.501, 0.01), 2):
        c = np.where(np.abs(p[mask] - 0.5) <= b, s[mask], outside[mask])
        if np.mean((c >= 0.5) == full) >= agree:
            return float(b)
    return 0.5


def _cdf(ref: np.ndarray, v: np.ndarray) -> np.ndarray:
    s = np.sort(ref)
    return (np.searchsorted(s, v, side="left") + np.searchsorted(s, v, side="right")) / (2.0 * len(s))


def combine(how: str, names: tuple[str, ...], tr: dict[str, np.ndarray], te: dict[str, np.ndarray],
            y_tr: np.ndarray, w_tr: np.ndarray, x_tr: np.ndarray, x_te: np.ndarray,
            nowice: np.ndarray | None = None, ds_tr: np.ndarray | None = None,
            groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores of the training part, scores of the scored part) of one combination."""
    if how.endswith("-nw"):
        assert nowice is not None
        w_tr = w_tr * nowice
        how = how[:-3]
    if how == "kcal":
        from storycheck.verify._model import KIND, calibration_inputs

        a = np.column_stack([calibration_inputs(tr["raw"], x_tr, KIND), _logit(tr[names[1]])])
        b = np.column_stack([calibration_inputs(te["raw"], x_te, KIND), _logit(te[names[1]])])
        lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(a, y_tr, sample_weight=w_tr)
        return lr.predict_proba(a)[:, 1], lr.predict_proba(b)[:, 1]
    if how.startswith("hold"):  # "hold<band>": the fit, its verdict held to the claim model's outside the band
        from storycheck.verify._model import hold

        band = float(how[4:]) / 100
        a, b = combine("fit", names, tr, te, y_tr, w_tr, x_tr, x_te)
        return hold(tr["p"], a, band), hold(te["p"], b, band)
    if how.startswith("ecent"):
        kind = OFFSET_KIND[how.replace("ecent", "fitoff")]
        k_tr, k_te = _kind(x_tr, kind), _kind(x_te, kind)
        mu = _centre(_logit(tr[names[1]]), k_tr, y_tr, w_tr)
        a = np.column_stack([_logit(tr["p"]), _logit(tr[names[1]]) - k_tr @ mu[1:] - mu[0]])
        b = np.column_stack([_logit(te["p"]), _logit(te[names[1]]) - k_te @ mu[1:] - mu[0]])
        lr = LogisticRegression(C=1.0, max_iter=1000).fit(a, y_tr, sample_weight=w_tr)
        return lr.predict_proba(a)[:, 1], lr.predict_proba(b)[:, 1]
    if how.startswith("fitoff"):
        assert ds_tr is not None and groups is not None
        kind = OFFSET_KIND[how.replace("fitoffu", "fitoff")]
        a = np.column_stack([_logit(tr[n]) for n in names] + [_kind(x_tr, kind)])
        b = np.column_stack([_logit(te[n]) for n in names] + [_kind(x_te, kind)])
        c = 100.0 if how.startswith("fitoffu") else _choose_c(a, y_tr, w_tr, ds_tr, groups)
        lr = LogisticRegression(C=c, max_iter=1000).fit(a, y_tr, sample_weight=w_tr)
        return lr.predict_proba(a)[:, 1], lr.predict_proba(b)[:, 1]
    if how == "ecal":
        from storycheck.verify._model import KIND, calibration_inputs

        lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(calibration_inputs(tr[names[1]], x_tr, KIND), y_tr,
                                                                sample_weight=w_tr)
        e_tr = lr.predict_proba(calibration_inputs(tr[names[1]], x_tr, KIND))[:, 1]
        e_te = lr.predict_proba(calibration_inputs(te[names[1]], x_te, KIND))[:, 1]
        return combine("logit", ("p", "e"), {"p": tr["p"], "e": e_tr}, {"p": te["p"], "e": e_te}, y_tr, w_tr,
                       x_tr, x_te)
    if how == "logitcal":
        from storycheck.verify._model import KIND, calibration_inputs

        a, b = combine("logit", names, tr, te, y_tr, w_tr, x_tr, x_te)
        lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(calibration_inputs(a, x_tr, KIND), y_tr,
                                                                sample_weight=w_tr)
        return (lr.predict_proba(calibration_inputs(a, x_tr, KIND))[:, 1],
                lr.predict_proba(calibration_inputs(b, x_te, KIND))[:, 1])
    if how == "alone":
        return tr[names[0]], te[names[0]]
    if how == "mean":
        return (np.mean([tr[n] for n in names], axis=0), np.mean([te[n] for n in names], axis=0))
    if how == "logit":
        f = lambda d: 1 / (1 + np.exp(-np.mean([_logit(d[n]) for n in names], axis=0)))  # noqa: E731
        return f(tr), f(te)
    if how == "rank":
        return (np.mean([_cdf(tr[n], tr[n]) for n in names], axis=0),
                np.mean([_cdf(tr[n], te[n]) for n in names], axis=0))
    a = np.column_stack([_logit(tr[n]) for n in names])
    b = np.column_stack([_logit(te[n]) for n in names])
    if how == "fitk":
        from storycheck.verify._features import FEATURES
        from storycheck.verify._model import KIND

        cols = [FEATURES.index(f) for f in KIND]
        a = np.column_stack([a, a[:, 1:2] * x_tr[:, cols], x_tr[:, cols]])
        b = np.column_stack([b, b[:, 1:2] * x_te[:, cols], x_te[:, cols]])
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(a, y_tr, sample_weight=w_tr)
    return lr.predict_proba(a)[:, 1], lr.predict_proba(b)[:, 1]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _kind(x: np.ndarray, kind: tuple[str, ...] = ("src_len", "claim_len", "trigram_cov")) -> np.ndarray:
    from storycheck.verify._features import FEATURES

    return np.atleast_2d(x)[:, [FEATURES.index(f) for f in kind]]


#: The kind features a "fitoff" variant puts on the offset: all three of the claim model's, or only
#: those that tell the kind of text apart without saying much about a claim's support (the source's
#: and the claim's length; trigram coverage is itself evidence of support).
OFFSET_KIND = {"fitoff": ("src_len", "claim_len", "trigram_cov"), "fitoff-sc": ("src_len", "claim_len"),
               "fitoff-s": ("src_len",)}


def _centre(z: np.ndarray, k: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """[offset, coef...] of z's class-balanced mean as a linear function of the kind features k: the
    mean of the two classes' least-squares fits (weights w), so the centre sits between them."""
    A = np.column_stack([np.ones(len(z)), k])
    fits = []
    for c in (0, 1):
        m = y == c
        sw = np.sqrt(w[m])
        fits.append(np.linalg.lstsq(A[m] * sw[:, None], z[m] * sw, rcond=None)[0])
    return np.mean(fits, axis=0)


C_GRID = (0.001, 0.01, 0.1, 1.0, 10.0)


def _choose_c(a: np.ndarray, y: np.ndarray, w: np.ndarray, ds: np.ndarray, groups: np.ndarray) -> float:
    """L2 strength of a stacked fit: grouped 4-fold CV on the rows given (mean over the sets of AUC
    plus BAcc at 0.5)."""
    best, best_c = -1.0, 1.0
    for c in C_GRID:
        q = np.zeros(len(y))
        for i, j in GroupKFold(n_splits=4).split(a, y, groups):
            q[j] = LogisticRegression(C=c, max_iter=1000).fit(a[i], y[i], sample_weight=w[i]).predict_proba(a[j])[:, 1]
        f = figures(q, y, ds, np.ones(len(y), dtype=bool))["mean"]
        if f["auc"] + f["bacc"] > best:
            best, best_c = f["auc"] + f["bacc"], c
    print("C", best_c, file=sys.stderr)
    return best_c


def _pooled_threshold(p: np.ndarray, y: np.ndarray, ds: np.ndarray) -> float:
    """One threshold for every set: the best mean of per-set balanced accuracy on the training part."""
    grid = np.quantile(p, np.linspace(0.02, 0.98, 97))
    total = np.zeros(len(grid))
    for d in SETS:
        m = ds == d
        if not (0 < y[m].sum() < m.sum()):
            continue
        above = grid[:, None] <= p[m][None, :]
        pos, neg = y[m] == 1, y[m] == 0
        total += 0.5 * ((above & pos).sum(1) / pos.sum() + (~above & neg).sum(1) / neg.sum())
    return float(grid[int(np.argmax(total))])


def evaluate_combine(rows, X, y, H, r, modes=("locked", "lodo", "cv"),
                     only: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """Every COMBINES variant, the three ways; per set AUC, BAcc at 0.5 and BAcc at one threshold
    chosen on the training part's out-of-fold scores ("bacc_t", the threshold in "t")."""
    from storycheck.verify._model import calibrate

    ds = np.array([r_["dataset"] for r_ in rows])
    locked = np.array([r_["dataset"] != "wice" and locked_split.is_locked(r_["source"]) for r_ in rows])
    train = ~locked
    V = _views(H)
    splits: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    if "locked" in modes:
        splits["locked"] = [(np.flatnonzero(train), np.flatnonzero(locked))]
    if "lodo" in modes:
        splits["lodo"] = [(np.flatnonzero(train & (ds != d)), np.flatnonzero(locked & (ds == d))) for d in SETS]
    if "cv" in modes:
        tr_all = np.flatnonzero(train)
        groups = np.array([rows[i]["source_id"] for i in tr_all])
        splits["cv"] = [(tr_all[a], tr_all[b]) for a, b in GroupKFold(n_splits=5).split(tr_all, y[tr_all], groups)]
    names_all = [n for n in [*COMBINES, *(n + " cascade" for n in CASCADED)]
                 if not only or n.removesuffix(" cascade") in only]
    out: dict[str, dict[str, Any]] = {n: {} for n in names_all}
    for mode, folds in splits.items():
        p = {n: np.zeros(len(rows)) for n in names_all}
        pt = {n: np.zeros(len(rows)) for n in names_all}  # verdict at the training part's one threshold
        ts: dict[str, list[float]] = {n: [] for n in names_all}
        bands: dict[str, list[float]] = {n: [] for n in CASCADED}
        for tr, te in folds:
            sub_rows = [rows[i] for i in tr]
            w = tc.balance_weights(sub_rows, y[tr])
            spec, oof = _claim_fit(sub_rows, X[tr], y[tr], w, r)
            from storycheck.verify._model import KIND, calibration_inputs

            lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(calibration_inputs(oof, X[tr], KIND), y[tr],
                                                                    sample_weight=w)
            cal = {"features": list(KIND), "coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0])}
            spec["calibration"] = cal
            from storycheck.verify._model import ClaimModel

            p_tr = calibrate(oof, X[tr], cal)
            p_te = calibrate(ClaimModel({**spec, "threshold": 0.5}).uncalibrated(X[te]), X[te], cal)
            raw_te = ClaimModel({**spec, "threshold": 0.5}).uncalibrated(X[te])
            vt = {"p": p_tr, "raw": oof, **{k: v[tr] for k, v in V.items()}}
            ve = {"p": p_te, "raw": raw_te, **{k: v[te] for k, v in V.items()}}
            groups_tr = np.array([rows[i]["source_id"] for i in tr])
            for n, (how, names) in COMBINES.items():
                if only and n not in only:
                    continue
                s_tr, s_te = combine(how, names, vt, ve, y[tr], w, X[tr], X[te], ds[tr] != "wice", ds[tr],
                                     groups_tr)
                p[n][te] = s_te
                t = _pooled_threshold(s_tr, y[tr], ds[tr])
                ts[n].append(round(t, 3))
                pt[n][te] = s_te - t + 0.5
                if n in CASCADED:  # the cascade: the band chosen on the training part, applied to the scored part
                    b = choose_band(p_tr, s_tr, ds[tr] != "wice", p_tr)
                    bands[n].append(b)
                    c = np.where(np.abs(p_te - 0.5) <= b, s_te, p_te)
                    p[n + " cascade"][te] = c
                    pt[n + " cascade"][te] = c - t + 0.5
                    ts[n + " cascade"].append(round(t, 3))
        mask = locked if mode != "cv" else train
        for n in names_all:
            f = figures(p[n], y, ds, mask)
            ft = figures(pt[n], y, ds, mask)
            for d in f:
                f[d]["bacc_t"] = ft[d]["bacc"]
            f["t"] = ts[n]
            if n.removesuffix(" cascade") in bands:
                f["band"] = bands[n.removesuffix(" cascade")]
            out[n][mode] = f
        print(mode, json.dumps({n: (out[n][mode]["mean"]["auc"], out[n][mode]["mean"]["bacc"],
                                    out[n][mode]["mean"]["bacc_t"]) for n in names_all}), file=sys.stderr, flush=True)
    return out


def combine_table(res: dict[str, dict[str, Any]], modes=("locked", "lodo", "cv")) -> str:
    """Markdown: one row per combination, mean AUC / BAcc@0.5 / BAcc at one trained threshold per mode."""
    lines = ["| score | " + " | ".join(f"{m} AUC / BAcc@0.5 / BAcc@t" for m in modes) + " |",
             "|---|" + "---|" * len(modes)]
    for n, r in res.items():
        cells = [f"{r[m]['mean']['auc']:.3f} / {r[m]['mean']['bacc']:.3f} / {r[m]['mean']['bacc_t']:.3f}"
                 if m in r else "" for m in modes]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_set_table(res: dict[str, dict[str, Any]], names: list[str], mode: str) -> str:
    lines = ["| set | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for d in (*SETS, "mean"):
        cells = []
        for n in names:
            v = res[n][mode].get(d)
            cells.append(f"{v['auc']:.3f} / {v['bacc']:.3f} / {v['bacc_t']:.3f}" if v else "")
        lines.append(f"| {d} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: Input names of COMBINES in the shipped spec (ClaimModel.combine, verify/_model.COMBINE_INPUTS).
SPEC_INPUTS = {"p": "claim", "e2": "entail", "cmix": "contradict", "e3": "entail3", "c3": "contradict3"}


def write_combine(rows, X, y, H, name: str, figures_json: Path | None) -> None:
    """Add ``combine`` (COMBINES[name], a "fit": its logistic regression refit on the whole training
    part's out-of-fold claim scores, and the cascade's band chosen there) to the shipped
    claim_model.json; the claim model itself is kept as it ships."""
    from storycheck.verify._model import KIND, ClaimModel, calibrate, calibration_inputs

    how, names = COMBINES[name]
    assert how == "fit" or how.startswith("hold"), "only a fitted (logistic) combination can be written"
    held = float(how[4:]) / 100 if how.startswith("hold") else None
    ds = np.array([r_["dataset"] for r_ in rows])
    locked = np.array([r_["dataset"] != "wice" and locked_split.is_locked(r_["source"]) for r_ in rows])
    tr = np.flatnonzero(~locked)
    sub_rows = [rows[i] for i in tr]
    w = tc.balance_weights(sub_rows, y[tr])
    spec, oof = _claim_fit(sub_rows, X[tr], y[tr], w, RECIPES["v080"])
    lr = LogisticRegression(C=tc.CAL_C, max_iter=1000).fit(calibration_inputs(oof, X[tr], KIND), y[tr], sample_weight=w)
    p_tr = calibrate(oof, X[tr], {"features": list(KIND), "coef": lr.coef_[0].tolist(),
                                  "intercept": float(lr.intercept_[0])})
    V = {"p": p_tr, **{k: v[tr] for k, v in _views(H).items()}}
    a = np.column_stack([_logit(V[n]) for n in names])
    fit_ = LogisticRegression(C=1.0, max_iter=1000).fit(a, y[tr], sample_weight=w)
    s_tr = fit_.predict_proba(a)[:, 1]
    band = choose_band(p_tr, s_tr, ds[tr] != "wice", p_tr)
    out = ROOT / "src" / "storycheck" / "verify" / "data" / "claim_model.json"
    shipped_spec = json.loads(out.read_text())
    comb: dict[str, Any] = {
        "inputs": [SPEC_INPUTS[n] for n in names], "coef": [round(float(c), 6) for c in fit_.coef_[0]],
        "intercept": round(float(fit_.intercept_[0]), 6), "band": band,
        "fit_on": "out-of-fold claim scores (0.8.0 recipe) and the bundled entailment model's 3-way head "
                  "on the training part of train/locked_split.json and WiCE",
        "recipe": name}
    if held is not None:  # the claim model's verdict held outside this band (verify/_model.hold)
        comb["hold"] = held
    if figures_json is not None and figures_json.exists():
        res = json.loads(figures_json.read_text())
        comb["held_out"] = {k: {m: v[m]["mean"] for m in v} for k, v in res.items()
                            if k in ("claim", name, name + " cascade")}
    shipped_spec["combine"] = comb
    m = ClaimModel(shipped_spec)
    # the per-set thresholds (bench and CI gate only) follow the score: the shipped file's were chosen on
    # all of dev (in-sample), so the combined score's are too; printed beside the claim model's figures
    from storycheck.verify._model import combine as combined

    H5 = np.column_stack([H[:, 0], H[:, 2], np.zeros(len(H)), H[:, 1], H[:, 3]])
    old_p = m.probability(X)
    new_p = combined(old_p, H5, comb)
    if held is not None:
        from storycheck.verify._model import hold as hold_verdicts

        new_p = hold_verdicts(old_p, new_p, held)
    thr = {}
    for d in SETS:
        k = ds == d
        thr[d] = tc.best_threshold(new_p[k], y[k])
        fig = lambda q, t, k=k: (round(float(roc_auc_score(y[k], q[k])), 4),  # noqa: E731
                            round(float(balanced_accuracy_score(y[k], q[k] >= t)), 4),
                            round(float(balanced_accuracy_score(y[k], q[k] >= 0.5)), 4))
        print(d, "dev in-sample AUC / BAcc per-set cut / BAcc@0.5: claim model", fig(old_p, shipped_spec.get(
            "thresholds_per_set_claim_only", shipped_spec["thresholds_per_set"])[d]), "combined", fig(new_p, thr[d]),
              file=sys.stderr)
    shipped_spec.setdefault("thresholds_per_set_claim_only", shipped_spec["thresholds_per_set"])
    shipped_spec.pop("thresholds_per_set_combined", None)
    shipped_spec["thresholds_per_set"] = thr
    out.write_text(json.dumps(shipped_spec, separators=(",", ":")))
    print(f"wrote {out}: combine {json.dumps({k: comb[k] for k in ('inputs', 'coef', 'intercept', 'band')})}",
          file=sys.stderr)


def write_cuts(shared: Path) -> None:
    """thresholds_per_set of the shipped claim_model.json from the default score as score-claims
    computes it on each dev set (the cached features and entailment heads can lag the run-time code;
    the gate measures the run-time score)."""
    from storycheck.verify import score_claims
    from storycheck.verify._model import ClaimModel

    out = ROOT / "src" / "storycheck" / "verify" / "data" / "claim_model.json"
    spec = json.loads(out.read_text())
    model = ClaimModel(spec)
    thr = {}
    for d in SETS:
        rows = [json.loads(line) for line in (shared / "benchmarks" / d / "dev.jsonl").read_text().splitlines()
                if line.strip()]
        y = np.array([int(r["label"]) for r in rows])
        p = np.array([s["score"] for s in score_claims(rows, model=model)])
        thr[d] = tc.best_threshold(p, y)
        print(d, thr[d], round(float(balanced_accuracy_score(y, p >= thr[d])), 4), file=sys.stderr)
    spec["thresholds_per_set"] = thr
    out.write_text(json.dumps(spec, separators=(",", ":")))


if __name__ == "__main__":
    main()
