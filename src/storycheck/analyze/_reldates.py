"""Dates read against the publication date: "yesterday", "on Tuesday", "last week",
"earlier this month" (English, Russian, Ukrainian, German) and dates without a year.

Each date mention gets ``resolved``: the first and last calendar day it can name,
given when the article was published. The publication day is exact when the time
carries the outlet's own offset ("2025-02-28T21:00:00-05:00" is 28 February there)
or is a plain date; a UTC or zone-less time could be the day before or after where
the outlet is, so the range widens by a day each way. Two mentions of one event
conflict only when their ranges do not meet (``dates_conflict``): "on Tuesday" in
an article of Saturday 6 December names 2 December, so "on December 2" agrees with
it and "on December 3" does not.

A weekday without a date names the last such day on or before publication, or the
next on or after it when the sentence speaks of the future ("will", "next",
"будет", "wird"). Relative words go to ``Facts.relative_dates``, not ``Facts.dates``:
they are not a checkable claim of their own, only a way of saying when.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .._types import DateMention, Facts

#: (pattern, kind) per language; kinds: day offsets "d-2", "d-1", "d0", "d-1..0", and
#: "last_week", "this_week", "this_month", "last_month". Longest first.
_RELATIVE: dict[str, tuple[tuple[str, str], ...]] = {
    "en": ((r"(?:the )?day before yesterday", "d-2"), (r"yesterday", "d-1"), (r"last night", "d-1..0"),
           (r"today", "d0"), (r"(?:last|past) week", "last_week"), (r"(?:earlier )?this week", "this_week"),
           (r"(?:earlier )?this month", "this_month"), (r"last month", "last_month")),
    "ru": ((r"позавчера", "d-2"), (r"вчера", "d-1"), (r"сегодня", "d0"),
           (r"на прошлой неделе", "last_week"), (r"на этой неделе", "this_week"),
           (r"(?:в начале|ранее в) (?:этого |этом )?месяц[еа]", "this_month"), (r"в прошлом месяце", "last_month")),
    "uk": ((r"позавчора", "d-2"), (r"[ву]чора", "d-1"), (r"сьогодні", "d0"),
           (r"(?:на )?минуло(?:го|му) тижн[яі]", "last_week"), (r"(?:на )?цьо(?:го|му) тижн[яі]", "this_week"),
           (r"(?:на початку|раніше) (?:цього )?місяця", "this_month"), (r"минулого місяця", "last_month")),
    "de": ((r"vorgestern", "d-2"), (r"gestern", "d-1"), (r"heute", "d0"),
           (r"(?:in der )?(?:letzten|vergangenen|vorigen|letzte|vergangene|vorige) woche", "last_week"),
           (r"(?:in )?diese[rn]? woche|anfang der woche", "this_week"),
           (r"anfang (?:des|dieses) monats|früher in diesem monat", "this_month"),
           (r"(?:im )?(?:letzten|vergangenen|vorigen) monat", "last_month")),
    "fr": ((r"avant-hier", "d-2"), (r"hier soir", "d-1..0"), (r"hier", "d-1"), (r"aujourd['’]hui", "d0"),
           (r"la semaine (?:dernière|passée)", "last_week"), (r"cette semaine", "this_week"),
           (r"(?:plus tôt |au début de )?ce mois(?:-ci)?", "this_month"), (r"le mois (?:dernier|passé)", "last_month")),
    "es": ((r"anteayer|antier", "d-2"), (r"anoche", "d-1..0"), (r"ayer", "d-1"), (r"hoy", "d0"),
           (r"la semana pasada", "last_week"), (r"esta semana", "this_week"),
           (r"(?:a principios de )?este mes", "this_month"), (r"el mes pasado", "last_month")),
    "it": ((r"l['’]altro ieri", "d-2"), (r"ieri sera", "d-1..0"), (r"ieri", "d-1"), (r"oggi", "d0"),
           (r"la settimana (?:scorsa|passata)", "last_week"), (r"questa settimana", "this_week"),
           (r"(?:all['’]inizio di )?questo mese", "this_month"), (r"il mese (?:scorso|passato)", "last_month")),
    "pt": ((r"anteontem", "d-2"), (r"ontem à noite", "d-1..0"), (r"ontem", "d-1"), (r"hoje", "d0"),
           (r"(?:na )?semana passada", "last_week"), (r"(?:n)?esta semana", "this_week"),
           (r"(?:no início d)?(?:n)?este mês", "this_month"), (r"(?:no )?mês passado", "last_month")),
}
_COMPILED = {lang: [(re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE), k) for p, k in pats]
             for lang, pats in _RELATIVE.items()}
#: Words that put a bare weekday after publication, not before it.
_FUTURE = re.compile(r"(?<!\w)(?:will|next|'ll|shall|scheduled|due to|is to|are to|будет|будут|состоится|"
                     r"следующ\w*|наступн\w*|буде|будуть|відбудеться|wird|werden|nächste\w*|kommende\w*|prochain\w*|"
                     r"próxim\w*|prossim\w*)(?!\w)",
                     re.IGNORECASE)


def publication_days(published: str | None) -> tuple[date, date] | None:
    """The first and last local calendar day the publication time can fall on."""
    if not published:
        return None
    text = published.strip()
    try:
        if len(text) <= 10:
            d = date.fromisoformat(text[:10])
            return d, d
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    d = t.date()  # the wall-clock day of the stamp, in its own offset
    if t.tzinfo is not None and t.utcoffset() != timedelta(0):
        return d, d  # the outlet's own zone: its day is known
    return d - timedelta(days=1), d + timedelta(days=1)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _resolve_kind(kind: str, first: date, last: date) -> tuple[date, date]:
    if kind.startswith("d"):
        lo, _, hi = kind[1:].partition("..")
        return first + timedelta(days=int(lo)), last + timedelta(days=int(hi or lo))
    if kind == "last_week":
        return _monday(first) - timedelta(days=7), _monday(last) - timedelta(days=1)
    if kind == "this_week":
        return _monday(first), last
    if kind == "this_month":
        return _month_start(first), last
    # last_month
    return _month_start(_month_start(first) - timedelta(days=1)), _month_start(last) - timedelta(days=1)


def _weekday_before(d: date, wd: int) -> date:
    return d - timedelta(days=(d.weekday() - wd) % 7)


def _weekday_after(d: date, wd: int) -> date:
    return d + timedelta(days=(wd - d.weekday()) % 7)


def _nearest_year(month: int, day: int, first: date, last: date) -> tuple[date, date] | None:
    """A day and month without a year: the year that puts it nearest the publication."""
    best: date | None = None
    for year in (first.year - 1, first.year, first.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((d - first).days) < abs((best - first).days):
            best = d
    return (best, best) if best is not None else None


def resolve_mention(m: DateMention, days: tuple[date, date], future: bool = False) -> tuple[date, date] | None:
    """The days one date mention can name, published within ``days``."""
    first, last = days
    if m.month and m.day:
        if m.year:
            try:
                d = date(m.year, m.month, m.day)
            except ValueError:
                return None
            return d, d
        return _nearest_year(m.month, m.day, first, last)
    if m.weekday is not None and not m.month:
        if future:
            return _weekday_after(first, m.weekday), _weekday_after(last, m.weekday)
        return _weekday_before(first, m.weekday), _weekday_before(last, m.weekday)
    return None


def relative_mentions(text: str, language: str | None) -> list[tuple[DateMention, str]]:
    """Relative date words of one sentence, with their kind."""
    out: list[tuple[DateMention, str]] = []
    taken: list[tuple[int, int]] = []
    for rx, kind in _COMPILED.get(language or "en", _COMPILED["en"]):
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((DateMention(m.group(0), None, None, None, None, m.start(), m.end()), kind))
    return sorted(out, key=lambda x: x[0].start)


def resolve_dates(facts: Facts, text: str, language: str | None, published: str | None) -> None:
    """Give every date mention of a sentence the days it names (``resolved``), and add
    its relative date words, resolved, to ``facts.relative_dates``; nothing when the
    publication date is unknown."""
    days = publication_days(published)
    if days is None:
        return
    future = bool(_FUTURE.search(text))
    facts.dates = [_with(m, resolve_mention(m, days, future)) for m in facts.dates]
    facts.relative_dates = [_with(m, _resolve_kind(kind, *days)) for m, kind in relative_mentions(text, language)]


def _with(m: DateMention, resolved: tuple[date, date] | None) -> DateMention:
    return DateMention(m.text, m.month, m.day, m.year, m.weekday, m.start, m.end, resolved)


def dates_conflict(a: DateMention, b: DateMention) -> bool | None:
    """Whether two resolved mentions cannot name one day (None: one is not resolved)."""
    if a.resolved is None or b.resolved is None:
        return None
    return a.resolved[1] < b.resolved[0] or b.resolved[1] < a.resolved[0]


def weekday_mismatch(m: DateMention) -> bool:
    """A date given with a weekday that is not its weekday ("Tuesday, December 3, 2025")."""
    if m.weekday is None or not (m.month and m.day) or m.resolved is None or m.resolved[0] != m.resolved[1]:
        return False
    return m.resolved[0].weekday() != m.weekday
