"""How long after an event something happened: "five minutes after take-off", "less than a minute
after taking off", "30 Sekunden nach dem Start", "deux minutes après le décollage", "через 5 минут
после взлёта". A slot of its own, keyed to the event word, with the bound its words put on it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..lang import LEXICON_LANGUAGES, lexicon
from ._lexicon import NUMBER_WORDS

#: Seconds per unit, by word beginning, in the languages we read.
_UNITS = (("sec", 1.0), ("sek", 1.0), ("сек", 1.0), ("másodperc", 1.0), ("min", 60.0), ("мин", 60.0),
          ("хвилин", 60.0), ("perc", 60.0), ("hour", 3600.0), ("stund", 3600.0), ("heure", 3600.0),
          ("час", 3600.0), ("годин", 3600.0), ("óra", 3600.0))
_UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|Sekunden?|Minuten?|Stunden?|secondes?|heures?|"
         r"секунд\w*|минут\w*|час\w*|хвилин\w*|годин\w*|másodperc\w*|perc\w*|ór\w+)")
_NUM = r"(?:\d+(?:[.,]\d+)?|[^\W\d_]+)"
_ARTICLE = r"(?:(?:the|its|his|her|their|a|an|dem|der|den|des|einem|einer|le|la|les|l['’]|du|son|sa)\s+|l['’])?"
_FORMS = [re.compile(p, re.IGNORECASE) for p in (
    # "five minutes after take-off", "30 Sekunden nach dem Start", "deux minutes après le décollage"
    rf"(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?:after|nach|après)\s+{_ARTICLE}(?P<ev>[^\W\d_][\w-]*)",
    # "через 5 минут после взлёта", "через 5 хвилин після зльоту"
    rf"через\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?:после|після)\s+(?P<ev>[^\W\d_]+)",
    # "5 perccel a felszállás után"
    rf"(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?:a|az)\s+(?P<ev>[^\W\d_]+)\s+után",
)]
_ONE = frozenset({"a", "an", "one", "eine", "einer", "einem", "une", "un", "egy", "одну", "одна"})
_UPPER = re.compile(r"(?:less than|under|fewer than|within|weniger als|unter|knapp|moins d['’]une?|moins de|"
                    r"en moins d['’]une?|менее|меньше|менше|kevesebb mint|alig)\s*$", re.IGNORECASE)
_LOWER = re.compile(r"(?:more than|over|at least|mehr als|über|plus de|более|больше|понад|більше|több mint)\s*$",
                    re.IGNORECASE)
_ABOUT = re.compile(r"(?:about|around|roughly|approximately|some|nearly|almost|etwa|rund|ungefähr|fast|environ|"
                    r"près de|около|примерно|почти|близько|майже|körülbelül|mintegy|nagyjából|cerca de)\s*$",
                    re.IGNORECASE)
_QUOTED = re.compile(r"[“\"«„][^”\"»“]*[”\"»“]")
#: An exact duration stands for this share either way (reports round "four or five minutes").
EXACT_SLACK = 0.2
#: An approximate one for this share.
ABOUT_SLACK = 0.5


@dataclass(frozen=True)
class Duration:
    """How long after an event: as written, the event's key (its word's first letters), and the
    seconds it can be, low and high."""

    text: str
    event: str
    low: float
    high: float


@functools.cache
def _number_words() -> dict[str, float]:
    """Number words of every language we read."""
    words = {k: float(v) for k, v in NUMBER_WORDS.items()}
    for code in LEXICON_LANGUAGES:
        lx = lexicon(code)
        if lx is not None:
            words.update(lx.number_words)
    return words


def _value(word: str) -> float | None:
    w = word.lower().replace(",", ".")
    if w in _ONE:
        return 1.0
    if w in _number_words():
        return _number_words()[w]
    try:
        return float(w)
    except ValueError:
        return None


def _seconds(unit: str) -> float:
    u = unit.lower()
    return next(s for stem, s in _UNITS if u.startswith(stem))


def event_key(word: str) -> str:
    """One key for an event word's forms: "take-off", "takeoff", "taking off" -> "tak"."""
    w = re.sub(r"[\W_]", "", word.lower())
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    return w[:3]


def durations(text: str) -> list[Duration]:
    """How long after an event a sentence says something happened, outside quotes (a witness's
    "thirty seconds" is an impression, not a figure)."""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    out = []
    for form in _FORMS:
        for m in form.finditer(text):
            if any(a <= m.start() < b for a, b in quoted):
                continue
            v = _value(m.group("n"))
            if v is None or v <= 0:
                continue
            secs = v * _seconds(m.group("u"))
            before = text[max(0, m.start() - 25) : m.start()]
            if _UPPER.search(before):
                low, high = 0.0, secs
            elif _LOWER.search(before):
                low, high = secs, float("inf")
            else:
                slack = ABOUT_SLACK if _ABOUT.search(before) else EXACT_SLACK
                low, high = secs * (1 - slack), secs * (1 + slack)
            out.append(Duration(m.group(0), event_key(m.group("ev")), low, high))
    return out
