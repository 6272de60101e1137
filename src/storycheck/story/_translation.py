"""Translations as copies: an article told again in another language is one source
with its original, as a copy is. Word overlap cannot see it; verify's cross-language
links can: nearly every sentence of the shorter one carried by, and carrying back, one
sentence of the other, in order, with no number or date changed on the way. A rewrite
that changed a number is a derivation (or a new source), not a translation.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._types import Article, Link
from ._reuse import Alignment

#: Share of the shorter article's sentences that must align one to one, in order.
TRANSLATION_SHARE = 0.8
#: ... and at least this many of them (two one-line notes that agree are two sources).
TRANSLATION_MIN_SENTENCES = 3


def links_by_article(a: Article) -> dict[str, dict[int, Link]]:
    """Each other article's link from each of a's sentences: other article id -> sentence
    index -> link (gathered once per article, not once per pair)."""
    out: dict[str, dict[int, Link]] = {}
    for s in a.sentences:
        for ln in s.links:
            out.setdefault(ln.article, {})[s.index] = ln
    return out


def _mutual(to_b: dict[int, Link], to_a: dict[int, Link]) -> tuple[list[tuple[int, int]], bool]:
    """Sentence pairs of a and b that carry each other, and whether any pair contradicts, from
    a's links to b (``to_b``) and b's to a (``to_a``), by sentence index."""
    broken = any(ln.stance == "contradicts" for ln in [*to_b.values(), *to_a.values()])
    pairs = [(i, ln.sentence) for i, ln in to_b.items() if ln.stance == "carries"
             and (back := to_a.get(ln.sentence)) is not None and back.sentence == i and back.stance == "carries"]
    return sorted(pairs), broken


def translation_pairs(articles: Sequence[Article]) -> dict[tuple[str, str], Alignment]:
    """Alignments of the pairs of articles in different languages that translate one another."""
    out: dict[tuple[str, str], Alignment] = {}
    several = len({a.language or "en" for a in articles}) > 1  # else no pair crosses a language
    links = [links_by_article(a) if several else {} for a in articles]
    for x, a in enumerate(articles):
        for y in range(x + 1, len(articles)):
            b = articles[y]
            if (a.language or "en") == (b.language or "en") or not a.sentences or not b.sentences:
                continue
            pairs, broken = _mutual(links[x].get(b.id, {}), links[y].get(a.id, {}))
            in_order = all(p[1] < q[1] for p, q in zip(pairs, pairs[1:], strict=False))
            short = min(len(a.sentences), len(b.sentences))
            if broken or not in_order or len(pairs) < max(TRANSLATION_MIN_SENTENCES, TRANSLATION_SHARE * short):
                continue
            out[(a.id, b.id)] = Alignment(tuple((i, j, 0.0) for i, j in pairs), len(a.sentences), len(b.sentences))
    return out
