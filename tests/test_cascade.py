"""The combined score (ClaimModel.probability_with): the shipped claim model file combines the claim
model with the bundled entailment model's 3-way P(entails) (``combine``), by default
(STORYCHECK_NLI_MODEL=none turns it off). The shipped combination holds the claim model's verdicts
(``combine["hold"]`` 0): score-claims computes it for every claim and the entailment model refines the
score's ranking only; compare / story / web, which show verdicts, do not run it. A combination without
``hold`` runs where the claim-only score is near the threshold (the cascade). An older file with an
entailment calibration (``calibration_nli``) works the same way."""

from __future__ import annotations

import copy

import numpy as np

from storycheck.verify import ClaimModel, score_claims
from storycheck.verify._entail import OnnxEntailment

SOURCE = ("Larkspur officials shut the Merrow Bridge on Tuesday after inspectors found cracks in two of its steel "
          "beams. The 62-year-old bridge carries about 38,000 vehicles a day across the Tamsin River, and the city "
          "said repairs would take at least four months.")
CLAIMS = ["Larkspur officials shut the Merrow Bridge on Tuesday after inspectors found cracks in its beams.",
          "The city said repairs to the bridge would take at least four months.",
          "Officials said the bridge would reopen next week after a quick fix.",
          "The football club sacked its manager after a run of six defeats."]


def _with_entailment(band: float) -> ClaimModel:
    spec = copy.deepcopy(ClaimModel.bundled().spec)
    spec.pop("combine", None)
    cal = spec["calibration"]
    # the claim-only calibration plus a strong weight on logit P(entails), none on P(contradicts)
    spec["calibration_nli"] = {"features": cal["features"], "nli": ["entail", "contradict"],
                               "coef": [*cal["coef"], 3.0, 0.0], "intercept": cal["intercept"]}
    spec["nli_band"] = band
    return ClaimModel(spec)


def test_the_entailment_model_moves_only_claims_inside_the_band(monkeypatch):
    monkeypatch.delenv("STORYCHECK_NLI_MODEL", raising=False)
    records = [{"id": str(i), "claim": c, "source": SOURCE} for i, c in enumerate(CLAIMS)]
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "none")
    alone = np.array([r["score"] for r in score_claims(records, model=_claim_only())])
    off = np.array([r["score"] for r in score_claims(records, model=_with_entailment(1.0))])
    assert np.allclose(off, alone, atol=1e-4)  # none: the entailment model stays off
    monkeypatch.delenv("STORYCHECK_NLI_MODEL")
    default = np.array([r["score"] for r in score_claims(records, model=_with_entailment(1.0))])
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "bundled")
    everywhere = np.array([r["score"] for r in score_claims(records, model=_with_entailment(1.0))])
    nowhere = np.array([r["score"] for r in score_claims(records, model=_with_entailment(0.0))])
    assert np.allclose(default, everywhere, atol=1e-4)  # on by default, the same as naming it
    assert np.allclose(nowhere, alone, atol=1e-4)  # band 0: no claim is sent, the score is the claim model's
    assert not np.allclose(everywhere, alone, atol=1e-3)
    # the entailed claim goes up, the other story stays lowest
    assert everywhere[0] >= alone[0] and everywhere[3] == everywhere.min()


def test_probs_of_the_bundled_model_sum_to_one_and_keep_entail():
    nli = OnnxEntailment.bundled()
    pairs = [(SOURCE, c) for c in CLAIMS]
    p = nli.probs(pairs)
    assert p.shape == (4, 3) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5) and (p >= -1e-6).all()
    assert np.allclose(nli.entail(pairs), p[:, 0])


def _claim_only() -> ClaimModel:
    spec = copy.deepcopy(ClaimModel.bundled().spec)
    spec.pop("combine", None)
    return ClaimModel(spec)


def test_by_default_score_claims_combines_the_claim_model_and_the_3way_entailment_holding_its_verdicts(monkeypatch):
    from storycheck.verify._model import combine, hold

    monkeypatch.delenv("STORYCHECK_NLI_MODEL", raising=False)
    mdl = ClaimModel.bundled()
    assert mdl.combine and mdl.combine["inputs"] == ["claim", "entail3"] and mdl.uses_entailment
    assert mdl.combine["hold"] == 0.0
    one = SOURCE.split(". ")[0] + "."  # one sentence: the evidence window is the whole source
    records = [{"id": str(i), "claim": c, "source": one} for i, c in enumerate(CLAIMS)]
    alone = np.array([r["score"] for r in score_claims(records, model=_claim_only())])
    got = np.array([r["score"] for r in score_claims(records)])
    assert not np.allclose(got, alone, atol=1e-3)
    # every claim is combined in score-claims: the formula on the claim model's score and the 3-way head's
    # own P(entails) of the claim against its evidence window, the claim model's verdict held
    heads = OnnxEntailment.bundled().heads([(one, c) for c in CLAIMS])
    assert heads.shape == (4, 5)
    assert np.allclose(got, hold(alone, combine(alone, heads, mdl.combine), 0.0), atol=2e-3)
    assert ((got >= 0.5) == (alone >= 0.5)).all()  # the verdicts are the claim model's
    assert got[0] > 0.5 > got[3]  # the carried claim stays supported, the other story unsupported
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "none")
    off = np.array([r["score"] for r in score_claims(records)])
    assert np.allclose(off, alone, atol=1e-4)


def test_hold_keeps_the_verdict_outside_the_band_and_the_order_of_the_combined_score():
    from storycheck.verify._model import hold

    p = np.array([0.9, 0.8, 0.2, 0.1, 0.52, 0.3])
    s = np.array([0.3, 0.4, 0.7, 0.6, 0.45, 0.2])
    h = hold(p, s, 0.05)
    # far from 0.5 the claim model's verdict stays, the combined score's order among those moved too
    assert (h[:4] >= 0.5).tolist() == [True, True, False, False]
    assert h[0] < h[1] and h[2] > h[3] and np.all(np.abs(h[:4] - 0.5) <= 0.01)
    # within the band (0.52) the combined score decides; where both agree it is left as is
    assert h[4] == s[4] and h[5] == s[5]


class _Probe(ClaimModel):
    """The shipped claim model with its claim-only score set by the test."""

    p = np.array([0.1, 0.55, 0.95])

    def probability(self, x: np.ndarray) -> np.ndarray:
        return self.p.copy()


def test_the_cascade_runs_the_entailment_model_only_inside_the_band():
    spec = copy.deepcopy(ClaimModel.bundled().spec)
    spec["combine"].pop("hold")  # a combination that may change verdicts: the cascade's band (0.14)
    probe = _Probe(spec)
    x = np.zeros((3, 1))
    sent: list[list[int]] = []

    def pairs(rows: np.ndarray) -> list[tuple[str, str]]:
        sent.append([int(i) for i in rows])
        return [(SOURCE, CLAIMS[0])] * len(rows)

    p = _Probe.p
    cascade = probe.probability_with(x, OnnxEntailment.bundled(), pairs)
    assert sent == [[1]] and cascade[0] == p[0] and cascade[2] == p[2] and cascade[1] != p[1]
    every = probe.probability_with(x, OnnxEntailment.bundled(), pairs, every=True)
    assert sent[-1] == [0, 1, 2] and np.isclose(every[1], cascade[1])


def test_the_shipped_combination_is_not_run_for_verdicts():
    probe = _Probe(ClaimModel.bundled().spec)  # hold 0: the entailment model cannot change a verdict
    x = np.zeros((3, 1))
    sent: list[list[int]] = []

    def pairs(rows: np.ndarray) -> list[tuple[str, str]]:
        sent.append([int(i) for i in rows])
        return [(SOURCE, CLAIMS[3])] * len(rows)  # an unrelated claim: P(entails) low

    assert np.array_equal(probe.probability_with(x, OnnxEntailment.bundled(), pairs), _Probe.p) and sent == []
    every = probe.probability_with(x, OnnxEntailment.bundled(), pairs, every=True)
    assert sent == [[0, 1, 2]] and ((every >= 0.5) == (_Probe.p >= 0.5)).all() and not np.allclose(every, _Probe.p)


def test_compare_loads_no_entailment_model_when_the_combination_changes_no_verdict() -> None:
    import copy

    from storycheck.verify._model import ClaimModel
    mdl = ClaimModel.bundled()
    assert mdl.uses_entailment and not mdl.verdicts_use_entailment  # hold 0: verdicts are the claim model's
    other = copy.copy(mdl)  # the bundled model is shared by the process: change a copy
    other.combine = {**mdl.combine, "hold": 0.1}
    assert other.verdicts_use_entailment
