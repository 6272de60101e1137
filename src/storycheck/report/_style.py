"""Verdict colours shared by the terminal and HTML reports."""

import html
from typing import Any

COLOURS = {
    "supported": ("green", "#d8f3dc", "#1b4332"),
    "contradicted": ("bold red", "#ffd6d6", "#7f1d1d"),
    "unsupported": ("yellow", "#fff3bf", "#5c4400"),
    "opinion": ("magenta", "#ece4f7", "#4a2a6b"),
}


def escape(x: object) -> str:
    """Text made safe for HTML and inline SVG: markup, quotes and ampersands escaped; None is ''."""
    return html.escape("" if x is None else str(x), quote=True)


def label(article_id: str, outlet: str | None, title: str | None) -> str:
    return outlet or (title[:40] + "…" if title and len(title) > 40 else title) or article_id


def sourcing_lines(s: dict, names: dict[str, str]) -> list[str]:  # type: ignore[type-arg]
    """Plain-text lines on who a sentence credits, its quotes, hedges and loaded words;
    the terminal and HTML reports style the same lines (``s`` is a sentence of the JSON document)."""
    out = []
    att = s.get("attribution") or {}
    if att.get("kind", "none") != "none":
        out.append(f"source: {att['kind']}" + (f" — {att['source']}" if att.get("source") else "")
                   + (f" (“{att['cue']}”)" if att.get("cue") else ""))
    for q in s.get("quotes", []):
        where = ", ".join(names.get(x, x) for x in q["found_in"])
        line = f"quote “{q['text']}” — {q['speaker'] or 'unattributed'}: {q['status'].replace('_', ' ')}"
        if where:
            line += f" in {where}"
        if q.get("closest"):
            line += f"; there: “{q['closest']}”"
        out.append(line)
    if s.get("uncarried"):
        out.append("embellished: carried, but no carrier gives " + "; ".join(
            f"{u['kind']} “{u['text']}”" for u in s["uncarried"]))
    for c in s.get("possible_conflicts") or []:
        out.append(f"possible conflict ({c['probability']:.2f}, entailment model; not a verdict): "
                   f"{names.get(c['article'], c['article'])} says “{c['text']}”")
    if s.get("only_in_copies"):
        out.append("carried only by copies of this article (one source)")
    elif s.get("independent_sources"):
        out.append(f"independent sources: {s['independent_sources']}")
    if s.get("hedges"):
        out.append("hedges: " + ", ".join(s["hedges"]))
    if s.get("loaded"):
        out.append("loaded: " + ", ".join(s["loaded"]))
    return out


def profile_line(p: dict) -> str:  # type: ignore[type-arg]
    kinds = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in p["attribution"].items() if v and k != "none")
    q = p["quotes"]
    return (f"sourcing: {kinds or 'no attributed sentences'} · {p['anonymous_or_document_share']:.0%} resting on "
            f"anonymous or document sources · quotes {q['verbatim']} verbatim / {q['altered']} altered / "
            f"{q['only_here']} only here · hedged {p['hedge_rate']:.0%}, loaded {p['loaded_rate']:.0%} of sentences")


def clickbait(a: dict[str, Any]) -> bool:
    """Whether an article of the JSON document has a headline its own body does not carry."""
    body = (a.get("headline") or {}).get("body_support")
    return body is not None and body["verdict"] != "supported"


def headline_line(a: dict[str, Any]) -> str | None:
    """One line on the headline: what the other outlets say of it and whether the
    article's own body carries it (a headline the body does not carry is flagged)."""
    h = a.get("headline")
    if not h:
        return None
    line = f"headline: {h['verdict']} {h['score'] or 0:.2f} against the other articles"
    b = h.get("body_support")
    if b is not None and clickbait(a):
        line += f"; NOT carried by its own body ({b['verdict']} {b['score']:.2f}): clickbait?"
    elif b is not None:
        line += f"; its own body carries it ({b['score']:.2f})"
    return line


def where(sentence: int, sentences: list[int] | None = None) -> str:
    """How a report names a sentence, or a window of sentences, of another article:
    "#4", "#4–5", "headline" (-1), "headline–#0"."""
    def one(n: int) -> str:
        return "headline" if n == -1 else f"#{n}"

    if sentences and len(sentences) > 1:
        return f"{one(sentences[0])}–{one(sentences[-1])}"
    return one(sentence)
