"""Stances for pairs that involve a non-English article.

The claim model is trained on English features (shared words, bigrams, word pieces of
an English encoder), which say nothing across languages. Here the multilingual
sentence space finds the other article's closest sentences, and the decision rests on
what survives translation: the cosine, the numbers and dates (parsed per language into
one form) and the names (folded across scripts, lang.skeleton). A typed mismatch with a
related sentence contradicts; a close sentence with no mismatch, and no number or name
of the claim missing from the other article, carries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._options import Options
from .._types import Article, Contradiction, Evidence, Facts, Link, Sentence
from ..lang import skeleton
from ._align import confirm, time_conflict
from ._typed import Carried, find_contradiction, same_value

#: e5 cosine at which a sentence of another language carries the claim (probability 0.5),
#: and how steeply the probability rises around it; fitted on bench/multilingual/pairs.jsonl
#: (translations and close paraphrases 0.88–0.96, other sentences of the story 0.78–0.87).
CARRY_COSINE = 0.855
SLOPE = 40.0
#: Cosine from which a typed mismatch (number, date) with a sentence counts: below it the
#: two sentences are about different things and their numbers prove nothing.
RELATED_COSINE = 0.84
#: ... and, under this cosine, a date mismatch only when the two share another fact (a figure,
#: a date or a name): two sentences of one story that merely sound alike ("the inspection was on
#: November 24" / "the report comes out on December 2") do not contradict each other. A figure
#: of the same unit is specific enough on its own.
SAME_CLAIM_COSINE = 0.88
#: e5 cosines are compressed (unrelated sentences of one story ~0.8); a link's ``cos`` is put on
#: the English encoder's scale, (cos - E5_FLOOR) / (1 - E5_FLOOR) floored at 0, so that readers of
#: links (the strongest contradiction, derivation's aligned claims at 0.6) compare like with like:
#: a translation (0.95) reads 0.8, a sentence of the same story that says something else (0.82) 0.28.
E5_FLOOR = 0.75
#: Candidates checked for a typed mismatch per claim, best cosine first.
CANDIDATES = 3
#: What a claim's number or name that the other article lacks costs its support: a
#: translation keeps its numbers and names, an added detail is not carried.
MISSING_FACT_PENALTY = 0.35


@dataclass
class Other:
    """One other article as the cross-language check sees it."""

    article: Article
    units: list[Sentence]
    vectors: np.ndarray  # multilingual vectors of its units
    carried: Carried
    names: frozenset[str]  # name skeletons of its whole text
    values: tuple[float, ...]  # every figure of its whole text, whatever its unit


def other_view(article: Article, units: list[Sentence], vectors: np.ndarray) -> Other:
    facts = [u.facts for u in units if u.facts is not None]
    keys = {k for f in facts for n in f.names for w in n.split() if len(k := skeleton(w)) >= 3}
    values = tuple(sorted({q.value for f in facts for q in f.quantities}))
    return Other(article, units, vectors, Carried.of(facts), frozenset(keys), values)


_OPENING = "«„\"“‚'(—– "


def _missing(text: str, f: Facts, other: Other, tol: float, proper_only: bool) -> int:
    """Figures (digits with a unit) and names of the claim the other article nowhere has.
    Numbers in words are left out ("восьми месяцев": their case forms are endless), and so
    is a capitalised first word, which is a name only by its place."""
    figures = [q for q in f.quantities if q.unit and q.unit != "@year" and q.text[:1] in "0123456789$€£₽₴"]
    # found in any unit: unit words do not always survive translation ("27 bányászt" has none we read)
    n = sum(1 for q in figures if not any(same_value(v, q.value, tol) for v in other.values))
    if proper_only:  # German capitalises nouns: only names the other side could spell are asked for
        head = text.lstrip(_OPENING)
        names = [w for name in f.names for w in name.split() if len(skeleton(w)) >= 3
                 and not (" " not in name and head.startswith(name))]
        n += sum(1 for w in names if skeleton(w) not in other.names)
    return n


def _share_a_fact(a: Facts, b: Facts, tol: float) -> bool:
    """Whether two sentences hold one figure, day or name in common."""
    if any(q.unit == e.unit and same_value(q.value, e.value, tol)
           for q in a.quantities if q.unit for e in b.quantities):
        return True
    if {(d.month, d.day) for d in a.dates if d.day} & {(d.month, d.day) for d in b.dates if d.day}:
        return True
    keys = lambda f: {k for n in f.names for w in n.split() if len(k := skeleton(w)) >= 3}  # noqa: E731
    return bool(keys(a) & keys(b))


def probability(cos: float, missing: int) -> float:
    """Support probability from the multilingual cosine, less for each missing fact."""
    p = 1.0 / (1.0 + math.exp(-SLOPE * (cos - CARRY_COSINE)))
    return p * (1.0 - MISSING_FACT_PENALTY) ** missing


def stance(s: Sentence, vector: np.ndarray, language: str, other: Other, opts: Options,
           published: str | None = None, article_text: str | None = None) -> Link:
    """The other article's stance on ``s`` (its multilingual ``vector``), through its closest sentence."""
    f = s.facts
    assert f is not None
    cos = other.vectors @ vector
    order = np.argsort(-cos)[:CANDIDATES]
    best = int(order[0])
    hit = None
    for j in order:
        if cos[j] < RELATED_COSINE:
            break
        ev = other.units[int(j)]
        if ev.facts is None:
            continue
        hit = find_contradiction(f, ev.facts, article=other.article.id, sentence=ev.index,
                                 tolerance=opts.number_tolerance, carried=other.carried)
        if hit is not None and hit.type != "number" and cos[j] < SAME_CLAIM_COSINE and not _share_a_fact(
                f, ev.facts, opts.number_tolerance):
            hit = None  # a date apart in a sentence that only sounds alike: two events, not one changed
        if hit is not None:  # the compared slot must be one (a number of the same thing)
            hit = confirm(hit, s, ev, claim_article=article_text or s.text, ev_article=other.article.text,
                          tol=opts.number_tolerance, carried=other.carried,
                          same_language=language == (other.article.language or "en"), negators=frozenset(),
                          published=(published, other.article.published),
                          languages=(language, other.article.language), one_claim=bool(cos[j] >= SAME_CLAIM_COSINE))
        if hit is None and (cos[j] >= SAME_CLAIM_COSINE or _share_a_fact(f, ev.facts, opts.number_tolerance)) and (
                tc := time_conflict(s.text, ev.text)):
            hit = Contradiction("time", tc[0], tc[1], other.article.id, ev.index)
        if hit is not None:
            best = int(j)
            break
    p = probability(float(cos[best]), _missing(s.text, f, other, opts.number_tolerance, language != "de"))
    ev_s = other.units[best]
    evidence = Evidence(other.article.id, ev_s.index, ev_s.text, round(p, 4))
    kind = "contradicts" if hit is not None else "carries" if p >= opts.support_threshold else "silent"
    scaled = max(0.0, (float(cos[best]) - E5_FLOOR) / (1 - E5_FLOOR))
    return Link(other.article.id, ev_s.index, round(p, 4), kind, hit, round(scaled, 4), evidence)  # type: ignore[arg-type]


def involves_other_language(a: str | None, b: str | None) -> bool:
    """Whether a pair of articles is judged in the multilingual space: either is not English."""
    return (a or "en") != "en" or (b or "en") != "en"


def embed_units(units: Sequence[list[Sentence]], which: Sequence[int], backend: object) -> dict[int, np.ndarray]:
    """Multilingual vectors of the units of the articles ``which``, per article."""
    texts = [u.text for ai in which for u in units[ai]]
    vecs = backend.embed(texts) if texts else np.zeros((0, 384), np.float32)  # type: ignore[attr-defined]
    out, at = {}, 0
    for ai in which:
        out[ai] = vecs[at : at + len(units[ai])]
        at += len(units[ai])
    return out
