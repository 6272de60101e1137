"""Typed contradictions: the same kind of fact with a different value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import lru_cache

from .._types import Contradiction, DateMention, Facts, Quantity
from ..analyze import Attribution, Layer, added_layers, content_words, dates_conflict
from ..analyze._lexicon import MONTHS, WEEKDAYS
from ._names import NameIndex, name_key
from ._quotes import _TOKEN

APPROX_TOLERANCE = 0.25  # "more than 100" and "105" agree; "about 100" and "150" do not


def same_value(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


@dataclass(frozen=True)
class Carried:
    """The quantities and days a whole text carries somewhere.

    A claim value the text carries elsewhere is not contradicted by one sentence of it
    that happens to hold another value of the same unit ("3 dead" here, "5 dead" in a
    sentence about another day).
    """

    quantities: frozenset[tuple[str, float]]
    days: frozenset[tuple[int, int]]
    #: the counts a sentence of the text gives as the parts or the whole of a sum it states
    #: ("242 people, 230 passengers and 12 crew"): exact, never a rounding of a nearby figure
    exact: frozenset[tuple[str, float]] = frozenset()

    @classmethod
    def of(cls, facts: Iterable[Facts]) -> Carried:
        fs = list(facts)
        return cls(
            frozenset((q.unit, q.value) for f in fs for q in f.quantities if q.unit),
            frozenset((d.month, d.day) for f in fs for d in f.dates if d.month and d.day),
            frozenset((q.unit, q.value) for f in fs for q in summed(f.quantities) if q.unit),
        )

    def has_quantity(self, q: Quantity, tol: float) -> bool:
        return any(u == q.unit and same_value(v, q.value, 0.0 if (u, v) in self.exact else tol)
                   for u, v in self.quantities)


def summed(qs: list[Quantity]) -> list[Quantity]:
    """The whole counts of one sentence that make a sum it states: two of them add up to a third
    ("242 on board, 230 passengers and 12 crew"). Such figures are exact: a 2% tolerance, meant
    for rounded figures, does not let "232 passengers" pass for them."""
    whole = [q for q in qs if not q.approx and q.value == int(q.value) and q.value > 0 and q.unit != "@year"]
    out: set[int] = set()
    for i, a in enumerate(whole):
        for j, b in enumerate(whole[i + 1 :], i + 1):
            for k, c in enumerate(whole):
                if k not in (i, j) and a.value + b.value == c.value and a.unit != b.unit:
                    out |= {i, j, k}
    return [whole[i] for i in sorted(out)]


def pair_tolerance(q: Quantity, claim: list[Quantity], e: Quantity, ev: list[Quantity], tol: float) -> float:
    """The tolerance two figures are compared with: none when either is part of a sum its
    sentence states (``summed``), else ``tol``."""
    return 0.0 if any(x is q for x in summed(claim)) or any(x is e for x in summed(ev)) else tol


def _number_conflict(
    claim: list[Quantity], ev: list[Quantity], tol: float, carried: Carried | None
) -> tuple[Quantity, Quantity] | None:
    for q in claim:
        if not q.unit or (carried is not None and carried.has_quantity(q, pair_tolerance(q, claim, q, [], tol))):
            continue
        same_unit = [e for e in ev if e.unit == q.unit]
        if not same_unit or any(same_value(q.value, e.value, APPROX_TOLERANCE if q.approx or e.approx
                                           else pair_tolerance(q, claim, e, ev, tol)) for e in same_unit):
            continue
        rivals = [e for e in same_unit if e.part == q.part]  # a part ("two of the injured") never contradicts a whole
        if not rivals:
            continue
        other = rivals[0]
        # the claim may mention both values ("rose from 29 to 33 pages"): no conflict
        if any(c.unit == q.unit and same_value(c.value, other.value, pair_tolerance(c, claim, other, ev, tol))
               for c in claim):
            continue
        return q, other
    return None


def _carried_day(d: DateMention, carried: Carried) -> bool:
    """Whether the evidence's whole text holds the day a claim date names."""
    if d.month and d.day:
        return (d.month, d.day) in carried.days
    if d.resolved is None:
        return False
    first, last = d.resolved
    return any(((first + timedelta(days=i)).month, (first + timedelta(days=i)).day) in carried.days
               for i in range((last - first).days + 1))


def _weekday_only(m: DateMention) -> bool:
    return m.weekday is not None and not (m.month and m.day)


def _relative(m: DateMention) -> bool:
    """A relative date word ("yesterday", "last week"): no month, day, year or weekday of its own."""
    return m.month is None and m.day is None and m.year is None and m.weekday is None and m.resolved is not None


def _loose(m: DateMention) -> bool:
    """A mention that names a day only through the publication date: a weekday alone or a relative word."""
    return _weekday_only(m) or _relative(m)


def _readings(m: DateMention) -> list[DateMention]:
    """The days a mention may name: a weekday alone is read as the last such day, or the
    next when its sentence speaks of the future, and a tense the words do not show ("the
    funeral is set for Saturday") puts it a week off; so both weeks around count."""
    if not _weekday_only(m) or m.resolved is None:
        return [m]
    week = timedelta(days=7)
    first, last = m.resolved
    return [m, replace(m, resolved=(first - week, last - week)), replace(m, resolved=(first + week, last + week))]


def _days(m: DateMention) -> set[object]:
    """The calendar days a resolved mention may name: a weekday alone only days of its weekday
    (an article of uncertain publication day reads "Thursday" as one of two Thursdays, never as
    the Wednesday between them)."""
    assert m.resolved is not None
    first, last = m.resolved
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if _weekday_only(m):
        days = [x for x in days if x.weekday() == m.weekday] or days
    return set(days)


def _weekday_conflict(d: DateMention, e: DateMention) -> bool:
    """Whether a weekday alone and another date cannot name one day under any reading."""
    if d.resolved is None or e.resolved is None:
        return False
    return all(dates_conflict(x, y) or not (_days(x) & _days(y)) for x in _readings(d) for y in _readings(e))


def _names_day_of(x: DateMention, e: DateMention) -> bool:
    """Whether claim date ``x`` names evidence date ``e``'s day (by month and day, or by
    the days both resolve to: "Thursday" and "12 June" in an article of 12 June)."""
    if x.month and x.day and (x.month, x.day) == (e.month, e.day):
        return True
    return x.resolved is not None and e.resolved is not None and bool(_days(x) & _days(e))


def _day_named_across(d: DateMention, e: DateMention, claim: list[DateMention], ev: list[DateMention]) -> bool:
    """Whether the claim also names evidence date ``e``'s day, or the evidence also names claim date ``d``'s:
    a sentence that names both days ("the night of Friday 8 to Saturday 9") holds either."""
    return any(_names_day_of(x, e) for x in claim) or any(_names_day_of(d, y) for y in ev)


def _date_conflict(
    claim: list[DateMention], ev: list[DateMention], carried: Carried | None
) -> tuple[DateMention, DateMention] | None:
    """The first claim date that names another day than an evidence date of the same kind.

    A weekday alone ("on Wednesday") is compared by the day it resolves to against the
    publication date (analyze/_reldates.py): "on Wednesday" in an article of Thursday
    12 June names the 11th, so it agrees with "June 11" and not with "Thursday (12 June)";
    unresolved (no publication date), it is compared with nothing, as before.
    """
    for d in claim:
        if carried is not None and _carried_day(d, carried):
            continue
        for e in ev:
            if _relative(d) and _relative(e):
                continue  # "yesterday" against "today": both only say when each article was written
            if _loose(d) or _loose(e):
                if _weekday_conflict(d, e) and not _day_named_across(d, e, claim, ev):
                    return d, e
                continue
            if d.month and e.month and d.day and e.day and (d.month, d.day) != (e.month, e.day):
                if d.year and e.year and d.year != e.year:
                    return d, e
                if not (d.year and e.year) or d.year == e.year:
                    if _day_named_across(d, e, claim, ev):
                        continue
                    return d, e
            if d.year and e.year and d.year != e.year and d.month == e.month and d.day == e.day:
                return d, e
            if d.month and d.day and (d.month, d.day) == (e.month, e.day) and None not in (d.weekday, e.weekday) \
                    and d.weekday != e.weekday and not (d.year and e.year and d.year != e.year):
                return d, e  # one day given two weekdays ("Friday, July 19" / "Thursday (July 19)")
    return None


SWAP_OVERLAP = 0.6  # share of the claim's other content words the evidence sentence must hold


def _find(seq: list[str], part: list[str]) -> int:
    for i in range(len(seq) - len(part) + 1):
        if seq[i : i + len(part)] == part:
            return i
    return -1


def _slot(tokens: list[str], name: str) -> tuple[str | None, str | None] | None:
    """The words just before and after a name: the role it fills."""
    part = _TOKEN.findall(name.lower())
    i = _find(tokens, part) if part else -1
    if i < 0:
        return None
    return (tokens[i - 1] if i else None), (tokens[i + len(part)] if i + len(part) < len(tokens) else None)


def _initials(name: str) -> str:
    """'Office of Fair Trading' -> 'OFT': the short form a text may use instead."""
    return "".join(w[0] for w in re.findall(r"[A-Z][\w’'-]*", name))


def _is_calendar(name: str) -> bool:
    return any(w in MONTHS or w in WEEKDAYS for w in name.lower().split())


def _same_entity(a: str, b: str) -> bool:
    """One name written two ways: a short form, the same last word, one inside the other."""
    ka, kb = name_key(a), name_key(b)
    return (_initials(a) == b or _initials(b) == a or ka.split()[-1:] == kb.split()[-1:]
            or f" {ka} " in f" {kb} " or f" {kb} " in f" {ka} ")


@lru_cache(maxsize=16384)
def _content(text: str) -> tuple[str, ...]:
    """content_words, once per text: compare checks each sentence against many others."""
    return tuple(content_words(text))


def entity_swap(
    claim_text: str, claim: Facts, evidence_text: str, evidence: Facts, known: NameIndex
) -> tuple[str, str] | None:
    """(claim name, evidence name) when the claim puts a name the evidence's whole
    text never mentions where the evidence sentence has another name: the same
    words right before or after it, and most of the rest of the claim in that
    sentence ("Smith won the vote" / "Jones won the vote")."""
    novel = [n for n in claim.names
             if not known.has(n) and not _is_calendar(n) and not (len(_initials(n)) > 1 and known.has(_initials(n)))]
    if not novel or not evidence.names:
        return None
    ctoks, etoks = _TOKEN.findall(claim_text.lower()), _TOKEN.findall(evidence_text.lower())
    ev_words = set(_content(evidence_text))
    claim_words = _content(claim_text)
    for n in novel:
        slot = _slot(ctoks, n)
        if slot is None:
            continue
        own = set(content_words(n))
        rest = [w for w in claim_words if w not in own]
        if not rest or sum(w in ev_words for w in rest) / len(rest) < SWAP_OVERLAP:
            continue
        for m in evidence.names:
            if _is_calendar(m) or _same_entity(n, m):
                continue
            other = _slot(etoks, m)
            if other and (
                (slot[0] is not None and slot[0] == other[0]) or (slot[1] is not None and slot[1] == other[1])
            ):
                return n, m
    return None


def find_contradiction(
    claim: Facts,
    evidence: Facts,
    *,
    article: str,
    sentence: int,
    tolerance: float = 0.02,
    near_duplicate: bool = False,
    carried: Carried | None = None,
    texts: tuple[str, str] | None = None,
    names: NameIndex | None = None,
) -> Contradiction | None:
    """The first typed mismatch between a claim and one related evidence sentence.

    ``carried`` is what the evidence's whole text holds: a claim value found there is
    never contradicted. Negation only counts between near-duplicates: two related
    sentences with one 'not' between them are usually about different things. Swapped
    names are looked for when the two sentence ``texts`` and the evidence text's
    ``names`` are given.
    """
    hit_n = _number_conflict(claim.quantities, evidence.quantities, tolerance, carried)
    if hit_n:
        return Contradiction("number", hit_n[0].text, hit_n[1].text, article, sentence)
    hit_d = _date_conflict(claim.dates + claim.relative_dates, evidence.dates + evidence.relative_dates, carried)
    if hit_d:
        return Contradiction("date", hit_d[0].text, hit_d[1].text, article, sentence)
    if texts is not None and names is not None:
        swap = entity_swap(texts[0], claim, texts[1], evidence, names)
        if swap:
            return Contradiction("entity", swap[0], swap[1], article, sentence)
    if near_duplicate and claim.negated != evidence.negated:
        return Contradiction("negation", "negated" if claim.negated else "affirmed",
                             "negated" if evidence.negated else "affirmed", article, sentence)
    return None


_GENERIC = re.compile(r"^(?:official|officials|source|sources|people|anonymous|unnamed|senior|former|top|one|two|a|"
                      r"the|within|inside|in|at|from|of|close|to|familiar|with|community|insiders?|diplomats?|"
                      r"engineers?|aides?|analysts?)$")


def _source_keys(source: str | None) -> set[str]:
    """The named part of a source: 'anonymous sources within the U.S. intelligence community' -> {us}."""
    if not source:
        return set()
    words = re.findall(r"[A-Z][\w.’'-]*", source)
    return {k for k in (name_key(w) for w in words) if k and not _GENERIC.match(k)}


def attribution_conflict(claim: Attribution | None, evidence: Attribution | None) -> tuple[str, str] | None:
    """(claim span, evidence span) when two sentences that carry one claim credit it
    differently, else None.

    Either they credit different kinds of source, or sources of one kind with nothing
    named in common (a European official / U.S. intelligence): the spans are the two
    first-named sources. Or the claim's sourcing adds an escalating layer the
    evidence's lacks (leaked or classified documents, intelligence sources, people
    not named), even when the first-named sources agree: the claim span names the
    added layers, the evidence span the evidence's sourcing. Sentences that credit
    nobody never conflict.
    """
    if claim is None or evidence is None:
        return None
    if "none" not in (claim.kind, evidence.kind):
        a, b = _source_keys(claim.source), _source_keys(evidence.source)
        if claim.kind != evidence.kind or (a and b and not (a & b)):
            return describe(claim), describe(evidence)
    added = added_layers(claim, evidence)
    if added:
        return "; ".join(describe(x) for x in added), describe_layers(evidence)
    return None


def describe(att: Attribution | Layer) -> str:
    return f"{att.kind}: {att.source}" if att.source else att.kind


def describe_layers(att: Attribution) -> str:
    """A sentence's whole sourcing, layer after layer: "organization: Pentagon → document: leaked memos"."""
    return " → ".join(describe(x) for x in att.layers) if att.layers else describe(att)
