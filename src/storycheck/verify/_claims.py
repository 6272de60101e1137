"""Score a claim against one or more source texts: the support judgement as a
standalone tool (summaries, LLM or RAG output checked against their sources).

Features are cheap and typed (coverage, names, numbers, dates, negation, quotes)
plus the dense cosine of the best source windows; a logistic regression trained on
the public dev sets (``make train``) turns them into a probability.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._types import Contradiction, Facts
from ..analyze import analyze_sentence, content_words
from ..embed import CachedEmbedder, EmbeddingBackend, default_backend
from ..segment import split_sentences
from ._names import NameIndex
from ._typed import find_contradiction, same_value

FEATURES = (
    "cov_doc", "cov_best", "cov_top", "cos_best", "cos_mean_top", "bigram_cov", "missing_words",
    "novel_name_frac", "novel_names", "novel_num_frac", "number_conflict", "date_conflict",
    "negation_mismatch", "quote_only_here", "claim_len", "cos_x_cov",
)
CANDIDATES = 6  # source windows sent to the dense model per claim: enough to find the best, cheap
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class _Source:
    texts: list[str]  # windows: sentences and adjacent pairs
    facts: list[Facts]
    content: list[set[str]]
    idf: dict[str, float]
    default_idf: float
    all_words: set[str]
    bigrams: set[tuple[str, str]]
    names: NameIndex
    quantities: list[tuple[str, float]]
    norm: str


def _prepare(sources: Sequence[str]) -> _Source:
    sents = [t for src in sources for _, _, t in split_sentences(src)] or [" ".join(sources)]
    windows = sents + [a + " " + b for a, b in zip(sents, sents[1:])]
    sent_content = [set(content_words(t)) for t in sents]
    df: dict[str, int] = {}
    for c in sent_content:
        for w in c:
            df[w] = df.get(w, 0) + 1
    n = len(sents)
    idf = {w: math.log((n + 1) / (d + 0.5)) + 1.0 for w, d in df.items()}
    raw_words = [w for src in sources for w in _WORD.findall(src.lower())]
    facts = [analyze_sentence(t) for t in sents]
    facts += [analyze_sentence(t) for t in windows[len(sents):]]
    return _Source(
        texts=windows,
        facts=facts,
        # a pair window's words are its two sentences' words: no second tokenising pass
        content=sent_content + [a | b for a, b in zip(sent_content, sent_content[1:])],
        idf=idf,
        default_idf=math.log((n + 1) / 0.5) + 1.0,
        all_words=set().union(*sent_content) if sent_content else set(),
        bigrams=set(zip(raw_words, raw_words[1:])),
        names=NameIndex(list(sources)),
        quantities=[(q.unit, q.value) for f in facts[: len(sents)] for q in f.quantities],
        norm=" " + " ".join(raw_words) + " ",
    )


def claim_features(
    claim: str, src: _Source, embedder: EmbeddingBackend, tolerance: float = 0.02
) -> tuple[np.ndarray, Contradiction | None, int]:
    """(feature vector, typed contradiction if any, index of the best window)."""
    f = analyze_sentence(claim)
    words = list(dict.fromkeys(content_words(claim)))
    weights = np.array([src.idf.get(w, src.default_idf) for w in words]) if words else np.zeros(0)
    total = float(weights.sum()) or 1.0
    present = np.array([w in src.all_words for w in words], dtype=bool)
    cov_doc = float(weights[present].sum() / total) if words else 1.0
    win_cov = np.array([
        float(sum(wt for w, wt in zip(words, weights) if w in c) / total) if words else 0.0 for c in src.content
    ])
    order = np.argsort(-win_cov)[:CANDIDATES]
    vecs = embedder.embed([claim] + [src.texts[i] for i in order])
    cos = vecs[1:] @ vecs[0]
    best_local = int(np.argmax(cos)) if len(cos) else 0
    best = int(order[best_local]) if len(order) else 0
    cov_top = float(sum(wt for w, wt in zip(words, weights) if any(w in src.content[i] for i in order[:3])) / total) if words else 1.0
    raw = _WORD.findall(claim.lower())
    bigrams = list(zip(raw, raw[1:]))
    bigram_cov = sum(1 for b in bigrams if b in src.bigrams) / len(bigrams) if bigrams else 1.0
    novel = [n for n in f.names if not src.names.has(n)]
    qty = [q for q in f.quantities]
    novel_q = [
        q for q in qty
        if not any((u == q.unit or not q.unit or not u) and same_value(v, q.value, tolerance) for u, v in src.quantities)
    ]
    hit = None
    for i in order[:3]:
        hit = find_contradiction(f, src.facts[i], article="source", sentence=int(i), tolerance=tolerance,
                                 near_duplicate=False)
        if hit:
            break
    neg = bool(len(cos) and cos[best_local] >= 0.8 and f.negated != src.facts[best].negated)
    quote_missing = any(" " + " ".join(_WORD.findall(q.lower())) + " " not in src.norm for q in f.quotes if len(q.split()) >= 3)
    cos_best = float(cos[best_local]) if len(cos) else 0.0
    x = np.array([
        cov_doc, float(win_cov[best]) if len(win_cov) else 0.0, cov_top, cos_best,
        float(np.mean(np.sort(cos)[-3:])) if len(cos) else 0.0, bigram_cov,
        min(int((~present).sum()), 10) / 10.0, len(novel) / max(len(f.names), 1), min(len(novel), 3) / 3.0,
        len(novel_q) / max(len(qty), 1), float(hit is not None and hit.type == "number"),
        float(hit is not None and hit.type == "date"), float(neg), float(quote_missing),
        min(len(words), 40) / 40.0, cos_best * cov_doc,
    ])
    if neg and hit is None:
        hit = Contradiction("negation", "negated" if f.negated else "affirmed",
                            "negated" if src.facts[best].negated else "affirmed", "source", best)
    return x, hit, best


class ClaimModel:
    """Logistic regression over FEATURES, loaded from JSON written by ``make train``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if tuple(spec["features"]) != FEATURES:
            raise ValueError("claim model was trained on other features; run `make train`")
        self.mean = np.array(spec["mean"])
        self.scale = np.array(spec["scale"])
        self.coef = np.array(spec["coef"])
        self.intercept = float(spec["intercept"])
        self.threshold = float(spec["threshold"])
        self.spec = spec

    @classmethod
    def bundled(cls) -> ClaimModel:
        path = resources.files("storycheck.verify") / "data" / "claim_model.json"
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def score_claims(
    records: Iterable[dict[str, Any]],
    *,
    embedder: EmbeddingBackend | None = None,
    model: ClaimModel | None = None,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Score each ``{"id", "claim", "source" | "sources"}`` record.

    Returns ``{"id", "score", "verdict"}`` per record, in order; ``score`` is the
    probability that the sources support the claim. A contradicted verdict carries
    ``contradiction`` with its type and spans.
    """
    emb = CachedEmbedder(embedder or default_backend())
    mdl = model or ClaimModel.bundled()
    cut = mdl.threshold if threshold is None else threshold
    prepared: dict[tuple[str, ...], _Source] = {}
    out = []
    for rec in records:
        sources = rec.get("sources") or [rec["source"]]
        key = tuple(sources)
        if key not in prepared:
            if len(prepared) > 64:
                prepared.clear()
            prepared[key] = _prepare(sources)
        x, hit, _ = claim_features(rec["claim"], prepared[key], emb)
        p = float(mdl.probability(x)[0])
        if hit is not None:
            p = min(p, 0.1)
        verdict = "supported" if p >= cut else ("contradicted" if hit is not None else "unsupported")
        row: dict[str, Any] = {"id": rec.get("id"), "score": round(p, 4), "verdict": verdict}
        if verdict == "contradicted" and hit is not None:
            row["contradiction"] = {"type": hit.type, "claim_span": hit.claim_span, "evidence_span": hit.evidence_span}
        out.append(row)
        if progress:
            progress(1)
    return out


def read_claims(path: Any, *, skip_bad: bool = False, warn: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Read score-claims input; a bad line raises MalformedInput naming it, or is skipped."""
    from .._exceptions import MalformedInput
    from ..ingest._readers import _decode, _read_bytes, json_lines

    text = _decode(_read_bytes(Path(path)), str(path))
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
