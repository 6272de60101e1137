"""Decide, for each sentence, what the other articles say about it.

``verify_articles`` retrieves evidence (dense + lexical) from the other articles,
computes support features, runs the typed checks (numbers, dates, negation) and
sets ``verdict``, ``score`` (the probability that the others support the
sentence), ``evidence`` and ``contradiction`` on every sentence.
"""

from ._embellish import name_uncarried
from ._entail import EntailmentBackend, OnnxEntailment, OpenAICompatibleEntailment, entailment_from_env
from ._model import ClaimModel
from ._names import name_key, names_found
from ._score import read_claims, score_claims
from ._typed import find_contradiction
from ._verify import settle, verify_articles

__all__ = [
    "ClaimModel",
    "EntailmentBackend",
    "OnnxEntailment",
    "OpenAICompatibleEntailment",
    "entailment_from_env",
    "read_claims",
    "score_claims",
    "find_contradiction",
    "name_key",
    "names_found",
    "name_uncarried",
    "settle",
    "verify_articles",
]
