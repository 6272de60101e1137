"""Quotes across outlets: the same words elsewhere (verbatim), changed words
(altered, with the closest version), or nowhere else (only_here)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

from .._types import Article, Sentence
from ..analyze import QuoteSpan

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits of any script: a Russian quote has words too
ALTERED_RATIO = 0.6  # token similarity from which two quotes are one quote reworded


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _similarity(a: list[str], b: list[str]) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


def match_quotes(articles: Sequence[Article], source_of: Callable[[str], str] | None = None) -> None:
    """Set status, found_in and closest on every quote of every article.

    With ``source_of`` (article → copy family) the status looks only outside the
    quote's own family: words that only copies repeat are still ``only_here``.
    ``found_in`` then lists the other families' articles first, then the copies.
    """
    key = source_of or (lambda x: x)
    by_id = {a.id: a for a in articles}
    texts = {a.id: " " + " ".join(_tokens(a.text)) + " " for a in articles}
    quotes = [(a.id, q.text, _tokens(q.text)) for a in articles for s in a.sentences for q in s.quotes]
    for a in articles:
        for s in a.sentences:
            for q in s.quotes:
                toks = _tokens(q.text)
                needle = " " + " ".join(toks) + " "
                verbatim = [b for b, t in texts.items() if b != a.id and needle in t]
                copies = [b for b in verbatim if key(b) == key(a.id)]
                verbatim = [b for b in verbatim if key(b) != key(a.id)]
                if verbatim:
                    q.status, q.found_in, q.closest = "verbatim", verbatim + copies, None
                    continue
                best: dict[str, tuple[float, str]] = {}
                for b, text, other in quotes:
                    if key(b) == key(a.id):
                        continue
                    r = _similarity(toks, other)
                    if r >= ALTERED_RATIO and r > best.get(b, (0.0, ""))[0]:
                        best[b] = (r, text)
                if best:
                    q.status = "altered"
                    q.found_in = sorted(best, key=lambda b: -best[b][0])
                    q.closest = best[q.found_in[0]][1]
                    q.found_in += copies
                elif told := translated(s, a, by_id):
                    q.status = "translated"  # told in another language, copies included: the words changed
                    q.found_in = sorted(told, key=lambda b: key(b) == key(a.id))
                    q.closest = told[q.found_in[0]]
                else:
                    q.status, q.found_in, q.closest = "only_here", copies, None


def translated(s: Sentence, article: Article, by_id: dict[str, Article]) -> dict[str, str]:
    """Articles in another language whose sentence carries this one and quotes someone:
    the quote told in their words (article id -> their quote)."""
    out: dict[str, str] = {}
    for ln in s.links:
        other = by_id.get(ln.article)
        if other is None or ln.stance != "carries" or (other.language or "en") == (article.language or "en"):
            continue
        ev = next((x for x in other.sentences if x.index == ln.sentence), None)
        if ev is not None and ev.quotes:
            out[other.id] = ev.quotes[0].text
    return out


def reworded(claim_quotes: Sequence[QuoteSpan], evidence_quotes: Sequence[QuoteSpan]) -> tuple[str, str] | None:
    """A quote of the claim that the evidence carries with changed words: (claim's, evidence's)."""
    for q in claim_quotes:
        a = _tokens(q.text)
        for e in evidence_quotes:
            b = _tokens(e.text)
            if a != b and _similarity(a, b) >= ALTERED_RATIO and " ".join(a) not in " ".join(b) and _substituted(a, b):
                return q.text, e.text
    return None


def _substituted(a: list[str], b: list[str]) -> bool:
    """Whether each quote has a word the other lacks: a word changed, not only words added,
    cut or put in another order ("are you speaking" / "you are speaking ... What do you mean?").
    A last word cut by the page's end ("affected cu") is no word."""
    sa, sb = set(a), set(b)
    only_a = {w for w in sa - sb if not (w == a[-1] and any(x.startswith(w) for x in sb))}
    only_b = {w for w in sb - sa if not (w == b[-1] and any(x.startswith(w) for x in sa))}
    return bool(only_a and only_b)
