"""The combined score's cascade (ClaimModel.probability_with): a claim model file with an entailment
calibration runs the bundled entailment model only where the claim-only score is near the threshold."""

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
    cal = spec["calibration"]
    # the claim-only calibration plus a strong weight on logit P(entails), none on P(contradicts)
    spec["calibration_nli"] = {"features": cal["features"], "nli": ["entail", "contradict"],
                               "coef": [*cal["coef"], 3.0, 0.0], "intercept": cal["intercept"]}
    spec["nli_band"] = band
    return ClaimModel(spec)


def test_the_entailment_model_moves_only_claims_inside_the_band(monkeypatch):
    monkeypatch.delenv("STORYCHECK_NLI_MODEL", raising=False)
    records = [{"id": str(i), "claim": c, "source": SOURCE} for i, c in enumerate(CLAIMS)]
    alone = np.array([r["score"] for r in score_claims(records)])  # the shipped file: no calibration_nli
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
