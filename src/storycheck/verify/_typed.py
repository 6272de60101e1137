"""Typed contradictions: the same kind of fact with a different value."""

from __future__ import annotations

from .._types import Contradiction, DateMention, Facts, Quantity


def same_value(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def _number_conflict(claim: list[Quantity], ev: list[Quantity], tol: float) -> tuple[Quantity, Quantity] | None:
    for q in claim:
        if not q.unit:
            continue
        same_unit = [e for e in ev if e.unit == q.unit]
        if not same_unit or any(same_value(q.value, e.value, tol) for e in same_unit):
            continue
        other = same_unit[0]
        # the claim may mention both values ("rose from 29 to 33 pages"): no conflict
        if any(c.unit == q.unit and same_value(c.value, other.value, tol) for c in claim):
            continue
        return q, other
    return None


def _date_conflict(claim: list[DateMention], ev: list[DateMention]) -> tuple[DateMention, DateMention] | None:
    for d in claim:
        for e in ev:
            if d.month and e.month and d.day and e.day and (d.month, d.day) != (e.month, e.day):
                if d.year and e.year and d.year != e.year:
                    return d, e
                if not (d.year and e.year) or d.year == e.year:
                    if any((x.month, x.day) == (e.month, e.day) for x in claim):
                        continue
                    return d, e
            if d.year and e.year and d.year != e.year and d.month == e.month and d.day == e.day:
                return d, e
    return None


def find_contradiction(
    claim: Facts,
    evidence: Facts,
    *,
    article: str,
    sentence: int,
    tolerance: float = 0.02,
    near_duplicate: bool = False,
) -> Contradiction | None:
    """The first typed mismatch between a claim and one related evidence sentence.

    Negation only counts between near-duplicates: two related sentences with one
    'not' between them are usually about different things.
    """
    hit_n = _number_conflict(claim.quantities, evidence.quantities, tolerance)
    if hit_n:
        return Contradiction("number", hit_n[0].text, hit_n[1].text, article, sentence)
    hit_d = _date_conflict(claim.dates, evidence.dates)
    if hit_d:
        return Contradiction("date", hit_d[0].text, hit_d[1].text, article, sentence)
    if near_duplicate and claim.negated != evidence.negated:
        return Contradiction("negation", "negated" if claim.negated else "affirmed",
                             "negated" if evidence.negated else "affirmed", article, sentence)
    return None
