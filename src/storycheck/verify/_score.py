"""Score a claim against one or more source texts: the support judgement as a
standalone tool (summaries, LLM or RAG output checked against their sources),
reading and writing the score-claims JSONL.

Features (``_features``) are cheap and typed plus the dense cosine of the source
windows that share most words with the claim; the claim model (``_model``) turns
them into a calibrated probability.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .._threads import one_blas_thread
from .._types import Contradiction
from ..embed import EmbeddingBackend, TokenStates, default_backend
from ._entail import EntailmentBackend, default_entailment, entailment_from_env, is_bundled
from ._features import STATES_KEPT, features_batch
from ._model import ClaimModel
from ._source import Source, evidence_pair, prepare_texts

BATCH = 64  # claims scored together: big enough to batch the model, small enough for steady progress


@one_blas_thread
def score_claims(
    records: Iterable[dict[str, Any]],
    *,
    embedder: EmbeddingBackend | None = None,
    model: ClaimModel | None = None,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
    entailment: EntailmentBackend | None = None,
    fast: bool = False,
) -> list[dict[str, Any]]:
    """Score each ``{"id", "claim", "source" | "sources"}`` record.

    ``fast`` uses the model without encoder features (docs/claim_model.md gives
    what it costs in accuracy and gains in speed).

    Returns ``{"id", "score", "verdict"}`` per record, in order; ``score`` is the
    probability that the sources support the claim. A contradicted verdict carries
    ``contradiction`` with its type and spans.

    The default score combines the claim model's probability with the bundled entailment
    model's on every claim (``ClaimModel.combine``); the verdict stays the claim model's (the
    combination is held to it, ``combine["hold"]``), the entailment model refines the ranking.
    ``STORYCHECK_NLI_MODEL=none`` (or ``fast``) gives the claim model alone. With another
    ``entailment`` backend (or one named by the environment, see ``_entail``), the score is the
    mean of the claim model's probability and the backend's entailment probability for the best
    evidence window.
    """
    mdl = model or ClaimModel.bundled(fast=fast)
    # a backend the caller or the environment names is mixed in as before (the mean); the bundled
    # entailment model enters through the claim model's own combination (``combine``), by default
    nli = entailment if entailment is not None else entailment_from_env()
    own = None
    if mdl.uses_entailment and (nli is None or is_bundled(nli)):
        own, nli = (nli or default_entailment()), None
    emb = (embedder or default_backend()) if mdl.dense else None
    states: dict[str, TokenStates] = {}  # encoder output per text: sources repeat across claims
    cut = mdl.threshold if threshold is None else threshold
    prepared: dict[tuple[str, ...], Source] = {}
    out: list[dict[str, Any]] = []
    records = list(records)
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        items = []
        for rec in chunk:
            key = tuple(rec.get("sources") or [rec["source"]])
            if key not in prepared:
                if len(prepared) > 4 * BATCH:
                    prepared.clear()
                    states.clear()
                prepared[key] = prepare_texts(list(key))
            items.append((rec["claim"], prepared[key]))
        if len(states) > STATES_KEPT:  # claims rarely repeat; keep memory flat on long inputs
            states.clear()
        rows = features_batch(items, emb, cache=states)
        second = (
            nli.entail([evidence_pair(c, src, best) for (c, src), (_, _, best) in zip(items, rows, strict=False)])
            if nli is not None
            else None
        )
        def evidence(idx: np.ndarray, items: list[tuple[str, Source]] = items,
                     rows: list[tuple[np.ndarray, Contradiction | None, int]] = rows) -> list[tuple[str, str]]:
            return [evidence_pair(items[i][0], items[i][1], rows[i][2]) for i in idx]

        probs = mdl.probability_with(np.stack([x for x, _, _ in rows]), own, evidence, every=True)
        for k, (rec, (_, hit, _)) in enumerate(zip(chunk, rows, strict=False)):
            p = float(probs[k])
            if second is not None:
                p = NLI_WEIGHT * float(second[k]) + (1 - NLI_WEIGHT) * p
            out.append(_verdict(rec, p, hit, cut))
        if progress:
            progress(len(chunk))
    return out


#: Share of an entailment backend in the score: even, since no licensed model could be
#: measured here to say otherwise (docs/claim_model.md).
NLI_WEIGHT = 0.5


def _verdict(rec: dict[str, Any], p: float, hit: Contradiction | None, cut: float) -> dict[str, Any]:
    if hit is not None:
        p = min(p, 0.1)  # a typed mismatch outweighs any similarity
    verdict = "supported" if p >= cut else ("contradicted" if hit is not None else "unsupported")
    row: dict[str, Any] = {"id": rec.get("id"), "score": round(p, 4), "verdict": verdict}
    if verdict == "contradicted" and hit is not None:
        row["contradiction"] = {"type": hit.type, "claim_span": hit.claim_span, "evidence_span": hit.evidence_span}
    return row


def read_claims(
    path: Any, *, skip_bad: bool = False, warn: Callable[[str], None] | None = None, options: Any = None
) -> list[dict[str, Any]]:
    """Read score-claims input; a bad line raises MalformedInput naming it, or is skipped.
    ``options``: an ingest.ReadOptions (encoding, file limit, where warnings go)."""
    from .._exceptions import MalformedInput
    from ..ingest import ReadOptions
    from ..ingest._readers import _decode, _read_bytes
    from ..ingest._records import json_lines

    opts = options or ReadOptions()
    text = _decode(_read_bytes(Path(path), opts.max_file_bytes), str(path), opts)
    out = []
    for n, rec, problem in json_lines(text):
        problem = problem or _claim_problem(rec)
        if problem:
            msg = f"line {n}: {problem}"
            if not skip_bad:
                raise MalformedInput(msg, source=str(path))
            if warn:
                warn(f"{path}: {msg}")
            continue
        out.append(rec)
    if not out:
        from .._exceptions import EmptyInput

        raise EmptyInput("no claims to score", source=str(path))
    return out


def _claim_problem(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return "expected a JSON object"
    if not isinstance(rec.get("claim"), str) or not rec["claim"].strip():
        return "missing or empty 'claim'"
    src = rec.get("sources", rec.get("source"))
    if isinstance(src, str):
        return None if src.strip() else "empty 'source'"
    if isinstance(src, list) and src and all(isinstance(s, str) for s in src):
        return None
    return "needs 'source' (a text) or 'sources' (a list of texts)"
