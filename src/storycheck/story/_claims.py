"""Distinct claims of a story: the claim × outlet matrix, first reporters, mutation trails.

A claim is a group of sentences from different articles that verify linked as
carrying or contradicting one another (paraphrases merged). Its versions in
published-time order form the mutation trail: what changed at each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._graph import components
from .._time import first_of, sort_key
from .._types import Article, Sentence
from ..analyze._lexicon import STOPWORDS
from ..verify._quotes import reworded
from ..verify._typed import APPROX_TOLERANCE, same_value
from ._reuse import word_set

Cell = Literal["carries", "contradicts", "silent"]

#: Support probability above which two sentences are merged into one claim; higher
#: than the verdict's 0.5 so that a long sentence does not chain unrelated facts together.
MERGE_SCORE = 0.6


@dataclass
class Version:
    article: str
    sentence: int
    text: str
    published: str | None
    changes: list[dict[str, Any]] = field(default_factory=list)  # against the previous version


@dataclass
class Claim:
    id: str
    text: str  # the version most articles carry
    cells: dict[str, Cell]  # article id -> cell
    first_reporter: str | None  # article id, None when a carrier has no date
    first_published: str | None
    versions: list[Version]  # time order; undated last

    @property
    def carriers(self) -> list[str]:
        return [a for a, c in self.cells.items() if c != "silent"]


def find_claims(articles: Sequence[Article]) -> list[Claim]:
    """Rows of the matrix: every sentence in exactly one claim; opinions only when others carry them."""
    key = {(a.id, s.index): (a, s) for a in articles for s in a.sentences}
    links = [((a.id, s.index), (ln.article, ln.sentence)) for a in articles for s in a.sentences for ln in s.links
             if (ln.article, ln.sentence) in key
             and (ln.stance == "contradicts" or (ln.stance == "carries" and ln.score >= MERGE_SCORE))]
    groups = components(list(key), links)
    claims = []
    for members in groups:
        sents = [key[m] for m in members]
        if len(sents) == 1 and sents[0][1].verdict == "opinion":
            continue
        claims.append(_claim(sents, articles))
    order = {a.id: i for i, a in enumerate(articles)}
    claims.sort(key=lambda c: (-len(c.carriers), order[c.versions[0].article], c.versions[0].sentence))
    for i, c in enumerate(claims, 1):
        c.id = f"c{i}"
    return claims


def _claim(sents: list[tuple[Article, Sentence]], articles: Sequence[Article]) -> Claim:
    cells: dict[str, Cell] = {a.id: "silent" for a in articles}
    for a, s in sents:
        if cells[a.id] != "contradicts":
            cells[a.id] = "contradicts" if s.verdict == "contradicted" else "carries"
    rep = max(sents, key=lambda x: (x[1].verdict != "contradicted", x[1].independent_sources or 0,
                                    len(x[1].supported_by), -len(x[1].contradicted_by)))
    seq = sorted(sents, key=lambda x: sort_key(x[0].published))
    # first reporter: only when one carrier was surely published before all the others
    earliest = first_of({a.id: a.published for a, _ in sents})
    first = next((a for a, _ in sents if a.id == earliest), None)
    versions = [Version(a.id, s.index, s.text, a.published) for a, s in seq]
    for k in range(1, len(seq)):
        versions[k].changes = mutation(seq[k - 1][1], seq[k][1])
    return Claim("", rep[1].text, cells, first.id if first else None, first.published if first else None, versions)


def mutation(before: Sentence, after: Sentence) -> list[dict[str, Any]]:
    """What changed from one version of a claim to the next, typed where we can say what."""
    out: list[dict[str, Any]] = []
    if before.text == after.text:
        return [{"type": "unchanged"}]
    kb = before.attribution.kind if before.attribution else "none"
    ka = after.attribution.kind if after.attribution else "none"
    sb = before.attribution.source if before.attribution else None
    sa = after.attribution.source if after.attribution else None
    if kb != ka:
        out.append({"type": "source_kind", "from": f"{kb}: {sb}" if sb else kb, "to": f"{ka}: {sa}" if sa else ka})
    fb, fa = before.facts, after.facts
    if fb is not None and fa is not None:
        for q in fa.quantities:
            same_unit = [p for p in fb.quantities if p.unit == q.unit and q.unit]
            tol = APPROX_TOLERANCE if q.approx else 0.02
            if same_unit and not any(same_value(p.value, q.value, tol) for p in same_unit):
                out.append({"type": "number", "from": same_unit[0].text, "to": q.text})
        days_b = {(d.month, d.day) for d in fb.dates if d.day}
        for d in fa.dates:
            if d.day and days_b and (d.month, d.day) not in days_b:
                out.append({"type": "date", "from": next(x.text for x in fb.dates if x.day), "to": d.text})
    changed = reworded(after.quotes, before.quotes)
    if changed:
        out.append({"type": "quote", "from": changed[1], "to": changed[0]})
    for h in sorted(set(before.hedges) - set(after.hedges)):
        out.append({"type": "hedge_dropped", "word": h})
    for h in sorted(set(after.hedges) - set(before.hedges)):
        out.append({"type": "hedge_added", "word": h})
    for w in sorted(set(after.loaded) - set(before.loaded)):
        out.append({"type": "loaded_added", "word": w})
    wb, wa = (set(word_set(x.text)) - STOPWORDS for x in (before, after))
    if wa - wb or wb - wa:
        out.append({"type": "wording", "added": sorted(wa - wb)[:8], "removed": sorted(wb - wa)[:8]})
    return out
