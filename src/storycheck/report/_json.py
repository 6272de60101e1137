from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._types import VERDICTS, Article, Contradiction, Evidence, Sentence


def article_summary(article: Article) -> dict[str, Any]:
    """Counts per verdict and the share of the article (by characters) no other outlet carries.

    "No other outlet carries" = sentences judged unsupported or opinion: nothing
    elsewhere agrees or disagrees with them.
    """
    counts: dict[str, int] = {v: 0 for v in VERDICTS}
    total = alone = 0
    for s in article.sentences:
        if s.verdict:
            counts[s.verdict] += 1
        n = s.end - s.start
        total += n
        if s.verdict in ("unsupported", "opinion"):
            alone += n
    return {**counts, "sentences": len(article.sentences),
            "unique_share": round(alone / total, 4) if total else 0.0}


KINDS = ("named_person", "anonymous", "outlet", "document", "organization", "none")


def sourcing_profile(article: Article) -> dict[str, Any]:
    """Who the article rests on: sentences per attribution kind, the share resting on
    anonymous or document sources, quote statuses, hedge and loaded-language rates."""
    n = len(article.sentences) or 1
    kinds = {k: 0 for k in KINDS}
    quotes = {"verbatim": 0, "altered": 0, "only_here": 0}
    for s in article.sentences:
        kinds[s.attribution.kind if s.attribution else "none"] += 1
        for q in s.quotes:
            quotes[q.status] = quotes.get(q.status, 0) + 1  # "translated" appears only where there is one
    return {
        "attribution": kinds,
        "anonymous_or_document_share": round((kinds["anonymous"] + kinds["document"]) / n, 4),
        "quotes": quotes,
        "hedge_rate": round(sum(1 for s in article.sentences if s.hedges) / n, 4),
        "loaded_rate": round(sum(1 for s in article.sentences if s.loaded) / n, 4),
    }


def _sentence(s: Sentence) -> dict[str, Any]:
    out: dict[str, Any] = {
        "index": s.index,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "verdict": s.verdict,
        "score": s.score,
        "evidence": [_evidence(e) for e in s.evidence],
        "supported_by": list(s.supported_by),
        "contradicted_by": list(s.contradicted_by),
        "attribution": (
            {
                "kind": s.attribution.kind,
                "source": s.attribution.source,
                "cue": s.attribution.cue,
                "layers": [{"kind": x.kind, "source": x.source, "cue": x.cue} for x in s.attribution.layers],
            }
            if s.attribution
            else {"kind": "none", "source": None, "cue": None, "layers": []}
        ),
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "status": q.status,
                "found_in": list(q.found_in),
                "closest": q.closest,
            }
            for q in s.quotes
        ],
        "independent_sources": s.independent_sources,
        "only_in_copies": s.only_in_copies,
        "uncarried": [{"kind": u.kind, "text": u.text} for u in s.uncarried],
        "possible_conflicts": [{"article": c.article, "sentence": c.sentence, "probability": c.probability,
                                "text": c.text} for c in s.possible_conflicts],
        **({"language": s.language} if s.language else {}),  # only where it differs from the article's
        "hedges": list(s.hedges),
        "loaded": list(s.loaded),
    }
    if s.contradiction is not None:
        out["contradiction"] = _contradiction(s.contradiction)
    return out


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"article": e.article, "sentence": e.sentence, "sentences": list(e.sentences or (e.sentence,)),
            "text": e.text, "score": e.score}


def _contradiction(c: Contradiction) -> dict[str, Any]:
    return {"type": c.type, "claim_span": c.claim_span, "evidence_span": c.evidence_span,
            "article": c.article, "sentence": c.sentence}


def headline(a: Article) -> dict[str, Any] | None:
    """The title checked as a claim: against the other articles like any sentence
    (index -1), and against the article's own body (``body_support``)."""
    if a.headline is None:
        return None
    out = _sentence(a.headline)
    b = a.headline_support
    if b is not None:
        out["body_support"] = {"verdict": b.verdict, "score": b.score,
                               "evidence": [_evidence(e) for e in b.evidence]}
        if b.contradiction is not None:
            out["body_support"]["contradiction"] = _contradiction(b.contradiction)
    return out


def to_json_dict(articles: Sequence[Article], story: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `compare --json` document. Fields are a public contract: add, never rename."""
    doc: dict[str, Any] = {
        "articles": [
            {
                "id": a.id,
                "path": a.path,
                "title": a.title,
                "outlet": a.outlet,
                "published": a.published,
                "url": a.url,
                "language": a.language,
                "summary": article_summary(a),
                "sourcing": sourcing_profile(a),
                "sentences": [_sentence(s) for s in a.sentences],
                "headline": headline(a),
            }
            for a in articles
        ]
    }
    if story is not None:
        doc["story"] = story
    return doc
