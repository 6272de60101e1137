"""The claim model: a sign-constrained logistic regression and monotone boosted
trees over FEATURES, mixed per claim by a gate, then calibrated so that one
threshold means the same on every kind of text; trained by ``make train``
(docs/claim_model.md). Runs on numpy alone."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import numpy as np

from ._entail import EntailmentBackend, entailment_heads, entailment_probs
from ._features import DENSE, FEATURES


class _Trees:
    """Boosted regression trees evaluated with numpy, so that running the model needs
    no scikit-learn. Node arrays per tree; a leaf has left == -1; go left when
    x[feature] <= threshold (scikit-learn's rule)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.init = float(spec["init"])
        self.trees = [
            tuple(np.array(t[k]) for k in ("feature", "threshold", "left", "right", "value")) for t in spec["trees"]
        ]
        self.depth = int(spec["max_depth"])

    def raw(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        rows = np.arange(len(X))
        out = np.full(len(X), self.init)
        for feature, threshold, left, right, value in self.trees:
            node = np.zeros(len(X), dtype=np.int64)
            for _ in range(self.depth):
                inner = left[node] >= 0
                go_left = X[rows, feature[node]] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            out += value[node]
        return out


class ClaimModel:
    """Logistic regression and boosted trees over FEATURES, mixed per claim by a gate
    on how extractive the claim is; loaded from the JSON that ``make train`` writes.
    The linear part carries abstractive claims (XSum); the trees catch the
    interactions that extractive ones (CNN/DM) need."""

    def __init__(self, spec: dict[str, Any]) -> None:
        unknown = set(spec["features"]) - set(FEATURES)
        if unknown:
            raise ValueError(
                f"claim model uses features this code lacks ({', '.join(sorted(unknown))}); run `make train`"
            )
        self.columns = [FEATURES.index(f) for f in spec["features"]]
        self.dense = any(f in DENSE for f in spec["features"])  # needs the encoder
        self.mean = np.array(spec["mean"])
        self.scale = np.array(spec["scale"])
        self.coef = np.array(spec["coef"])
        self.intercept = float(spec["intercept"])
        self.threshold = float(spec["threshold"])
        self.trees = _Trees(spec["boosted"]) if spec.get("boosted") else None
        self.gate = spec.get("gate")  # {"feature", "center", "slope"}: the linear part's weight per claim
        self.calibration = spec.get("calibration")  # {"features", "coef", "intercept"}: see calibrate()
        if self.calibration:
            missing = set(self.calibration["features"]) - set(FEATURES)
            if missing:
                raise ValueError(f"claim model calibrates on features this code lacks ({', '.join(sorted(missing))})")
        #: {"features", "nli", "coef", "intercept"}: the calibration that also reads the entailment
        #: model's probabilities (the default score when present); see probability_with()
        self.calibration_nli = spec.get("calibration_nli")
        #: the cascade: the entailment model runs only for claims whose claim-only score is
        #: within this distance of the threshold (elsewhere it could not change the verdict)
        self.nli_band = float(spec.get("nli_band", 1.0))
        #: {"inputs", "coef", "intercept", "band", "hold"?}: the default score as a logistic combination
        #: of the logits of the calibrated claim probability ("claim") and the entailment model's
        #: probabilities ("entail", "contradict", "entail3", "contradict3": see COMBINE_INPUTS).
        #: With ``hold`` the combined score keeps the claim model's verdict wherever the claim-only
        #: score is farther than ``hold`` from the threshold (see hold()), so the entailment model runs
        #: for a verdict only within ``hold`` of it; without, only within ``band`` (the cascade)
        self.combine = spec.get("combine")
        if self.combine:
            unknown = set(self.combine["inputs"]) - {"claim", *COMBINE_INPUTS}
            if unknown:
                raise ValueError(f"claim model combines inputs this code lacks ({', '.join(sorted(unknown))})")
        self.spec = spec

    @property
    def uses_entailment(self) -> bool:
        """Whether the default score reads the entailment model (where it can change the verdict)."""
        return bool(self.calibration_nli or self.combine)

    @property
    def verdicts_use_entailment(self) -> bool:
        """Whether a verdict can read the entailment model: not when the combination is held to the claim
        model's verdicts everywhere (``hold`` 0), so ``compare``, ``story`` and the web need not load it."""
        if self.combine and self.combine.get("hold") is not None:
            return float(self.combine["hold"]) > 0
        return self.uses_entailment

    @classmethod
    def bundled(cls, fast: bool = False) -> ClaimModel:
        """The shipped model, or with ``fast`` the one without encoder features."""
        name = "claim_model_fast.json" if fast else "claim_model.json"
        path = resources.files("storycheck.verify") / "data" / name
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probability of support for each row of FEATURES values (calibrated when the
        model carries a calibration step)."""
        x = np.atleast_2d(x)
        p = self.uncalibrated(x)
        return calibrate(p, x, self.calibration) if self.calibration else p

    def probability_with(self, x: np.ndarray, entailment: EntailmentBackend | None,
                         pairs: Callable[[np.ndarray], list[tuple[str, str]]], *, every: bool = False) -> np.ndarray:
        """The default score: the calibrated probability, and where the model carries a
        combination with the entailment model (``combine``, or the older ``calibration_nli``) and
        it can change the verdict (the claim-only score within the band of the threshold: the
        cascade), the combined score. ``every`` computes the combined score for every claim
        (``score-claims``, whose output is the score itself). ``pairs(rows)`` gives (best evidence
        window, claim) for those rows."""
        x = np.atleast_2d(x)
        p = self.probability(x)
        if entailment is None or not self.uses_entailment or not len(x):
            return p
        if self.combine:
            held = self.combine.get("hold")
            band = 1.0 if every else float(self.combine.get("band", 1.0) if held is None else held)
            rows = np.flatnonzero(np.abs(p - self.threshold) <= band)
            if len(rows):
                q = combine(p[rows], entailment_heads(entailment, pairs(rows)), self.combine)
                p[rows] = q if held is None else hold(p[rows], q, float(held), self.threshold)
            return p
        rows = np.flatnonzero(np.abs(p - self.threshold) <= self.nli_band)
        if len(rows) and self.calibration_nli:
            probs = entailment_probs(entailment, pairs(rows))
            p[rows] = calibrate(self.uncalibrated(x[rows]), x[rows], self.calibration_nli, probs)
        return p

    def uncalibrated(self, x: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(x)[:, self.columns]
        p = 1.0 / (1.0 + np.exp(-(((X - self.mean) / self.scale) @ self.coef + self.intercept)))
        if self.trees is None:
            return p
        return (w := self.linear_weight(X)) * p + (1 - w) / (1.0 + np.exp(-self.trees.raw(X)))

    def linear_weight(self, X: np.ndarray) -> np.ndarray:
        """How much the linear part counts for each claim: more for abstractive claims
        (few of their word trigrams are in the source), less for extractive ones."""
        g = self.gate
        if not g:
            return np.full(len(X), 1.0)
        col = X[:, list(self.spec["features"]).index(g["feature"])]
        return 1.0 / (1.0 + np.exp(-g["slope"] * (g["center"] - col)))


#: What tells one kind of text from another for the calibration step: how long the
#: source is, how long and how extractive the claim is.
KIND = ("src_len", "claim_len", "trigram_cov")


def calibration_inputs(p: np.ndarray, x: np.ndarray, kind: Sequence[str] = KIND) -> np.ndarray:
    """[z, z*k..., k...] with z the logit of the model's raw probability and k the
    kind-of-text features: the slope and the offset of the score may move with the
    kind of text, so that one threshold means the same on all of them."""
    z = np.log(np.clip(p, 1e-4, 1 - 1e-4) / np.clip(1 - p, 1e-4, 1 - 1e-4))
    k = np.atleast_2d(x)[:, [FEATURES.index(f) for f in kind]]
    return np.column_stack([z, z[:, None] * k, k])


def calibrate(p: np.ndarray, x: np.ndarray, spec: dict[str, Any], nli: np.ndarray | None = None) -> np.ndarray:
    """The calibrated probability: a logistic regression over calibration_inputs, fit
    on out-of-fold scores of the pooled dev sets with each set's classes balanced.
    A spec with ``nli`` inputs also reads the entailment model's (n, 3) probabilities
    (entails, neutral, contradicts) of the claim against its best evidence window."""
    c = calibration_inputs(p, x, spec["features"])
    if spec.get("nli"):
        if nli is None:
            raise ValueError("this calibration needs the entailment model's probabilities")
        c = np.column_stack([c, nli_inputs(nli, x, spec["nli"])])
    return 1.0 / (1.0 + np.exp(-(c @ np.array(spec["coef"]) + float(spec["intercept"]))))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def nli_inputs(nli: np.ndarray, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Columns of the entailment probabilities for the calibration step: ``entail`` and
    ``contradict`` are the logits of P(entails) and P(contradicts); ``entail*F`` is the
    first times the claim feature F (its weight may move with the kind of text)."""
    nli = np.atleast_2d(nli)
    base = {"entail": _logit(nli[:, 0]), "contradict": _logit(nli[:, 2])}
    cols = []
    for name in names:
        head, _, feat = name.partition("*")
        col = base[head]
        cols.append(col * np.atleast_2d(x)[:, FEATURES.index(feat)] if feat else col)
    return np.column_stack(cols)



#: The entailment inputs a ``combine`` spec may name: columns of ``entailment_heads``.
COMBINE_INPUTS = {"entail": 0, "contradict": 2, "entail3": 3, "contradict3": 4}


def combine(p: np.ndarray, nli: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """The combined score: a logistic function of the logits of the calibrated claim probability
    ``p`` and of the entailment model's probabilities ``nli`` (rows of ``entailment_heads``) named by
    ``spec["inputs"]``, with ``spec["coef"]`` and ``spec["intercept"]`` (fit on out-of-fold claim
    scores of the training part, train/eval_locked.py)."""
    nli = np.atleast_2d(nli)
    cols = [_logit(p) if name == "claim" else _logit(nli[:, COMBINE_INPUTS[name]]) for name in spec["inputs"]]
    z = np.column_stack(cols) @ np.array(spec["coef"], dtype=np.float64) + float(spec["intercept"])
    return 1.0 / (1.0 + np.exp(-z))


def hold(p: np.ndarray, s: np.ndarray, band: float, threshold: float = 0.5, eps: float = 0.01) -> np.ndarray:
    """The combined score ``s``, except where it would change the verdict of the claim-only score
    ``p`` (at ``threshold``) and ``p`` is farther than ``band`` from the threshold: there ``s`` is
    moved just across the threshold to ``p``'s side (within ``eps``, in the order of ``s``). So the
    entailment model refines the ranking of every claim but changes a verdict only where the claim
    model is unsure (docs/claim_model.md: on unseen data it raised the ranking, not the verdicts)."""
    p, s = np.asarray(p, dtype=np.float64), np.asarray(s, dtype=np.float64)
    out = s.copy()
    far = np.abs(p - threshold) > band
    up = far & (p >= threshold) & (s < threshold)
    down = far & (p < threshold) & (s >= threshold)
    out[up] = threshold + eps * s[up] / threshold
    out[down] = threshold - eps * (1 - s[down]) / (1 - threshold)
    return out
