"""The combined score (ClaimModel.probability_with): the shipped claim model file can combine the claim
model with the bundled entailment model's 3-way P(entails) (``combine``), on when
STORYCHECK_NLI_MODEL=bundled asks for it; score-claims then computes it for every claim, compare / story
/ web only where the claim-only score is near the threshold (the cascade). By default the score is the
claim model's alone. An older file with an entailment calibration (``calibration_nli``) works the same way."""

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
    alone = np.array([r["score"] for r in score_claims(records, model=_claim_only())])
    assert np.allclose([r["score"] for r in score_claims(records, model=_with_entailment(1.0))], alone,
                       atol=1e-4)  # opt-in: without STORYCHECK_NLI_MODEL=bundled the entailment model stays off
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "bundled")
    everywhere = np.array([r["score"] for r in score_claims(records, model=_with_entailment(1.0))])
    nowhere = np.array([r["score"] for r in score_claims(records, model=_with_entailment(0.0))])
    assert np.allclose(nowhere, alone, atol=1e-4)  # band 0: no claim is sent, the score is the claim model's
    assert not np.allclose(everywhere, alone, atol=1e-3)
    # the entailed claim goes up, the other story stays lowest
    assert everywhere[0] >= alone[0] and everywhere[3] == everywhere.min()
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "none")
    off = np.array([r["score"] for r in score_claims(records, model=_with_entailment(1.0))])
    assert np.allclose(off, alone, atol=1e-4)


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


def test_bundled_combines_the_claim_model_and_the_3way_entailment_and_the_default_does_not(monkeypatch):
    from storycheck.verify._model import combine

    monkeypatch.delenv("STORYCHECK_NLI_MODEL", raising=False)
    mdl = ClaimModel.bundled()
    assert mdl.combine and mdl.combine["inputs"] == ["claim", "entail3"] and mdl.uses_entailment
    one = SOURCE.split(". ")[0] + "."  # one sentence: the evidence window is the whole source
    records = [{"id": str(i), "claim": c, "source": one} for i, c in enumerate(CLAIMS)]
    alone = np.array([r["score"] for r in score_claims(records, model=_claim_only())])
    default = np.array([r["score"] for r in score_claims(records)])
    assert np.allclose(default, alone, atol=1e-4)  # opt-in: the default score is the claim model's
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "bundled")
    got = np.array([r["score"] for r in score_claims(records)])
    assert not np.allclose(got, alone, atol=1e-3)
    # every claim is combined in score-claims: the same as the formula on the claim model's score and
    # the 3-way head's own P(entails) of the claim against its evidence window
    heads = OnnxEntailment.bundled().heads([(one, c) for c in CLAIMS])
    assert heads.shape == (4, 5)
    assert np.allclose(got, combine(alone, heads, mdl.combine), atol=2e-3)
    assert got[0] > 0.5 > got[3]  # the carried claim stays supported, the other story unsupported
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "none")
    off = np.array([r["score"] for r in score_claims(records)])
    assert np.allclose(off, alone, atol=1e-4)


def test_the_cascade_runs_the_entailment_model_only_inside_the_band():
    mdl = ClaimModel.bundled()
    x = np.zeros((3, 1))
    p = np.array([0.1, 0.55, 0.95])
    sent: list[list[int]] = []

    class Probe(ClaimModel):
        def probability(self, x: np.ndarray) -> np.ndarray:
            return p.copy()

    probe = Probe(mdl.spec)

    def pairs(rows: np.ndarray) -> list[tuple[str, str]]:
        sent.append([int(i) for i in rows])
        return [(SOURCE, CLAIMS[0])] * len(rows)

    cascade = probe.probability_with(x, OnnxEntailment.bundled(), pairs)
    assert sent == [[1]] and cascade[0] == p[0] and cascade[2] == p[2] and cascade[1] != p[1]
    every = probe.probability_with(x, OnnxEntailment.bundled(), pairs, every=True)
    assert sent[-1] == [0, 1, 2] and np.isclose(every[1], cascade[1])
