from __future__ import annotations

import re

from .._types import DateMention, Facts, Quantity
from ..lang import Lexicon, detect_language, lexicon, script
from ._intl import analyze as analyze_in
from ._lexicon import (
    CURRENCY_WORDS,
    MONTHS,
    NEGATIONS,
    NUMBER_WORDS,
    SCALES,
    STOPWORDS,
    SUBJECTIVE,
    UNIT_SKIP,
    WEEKDAYS,
)
from ._points import as_points
from ._reldates import resolve_dates

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)*")


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'pages'~'page', 'traveled'~'travel'."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suf, min_len in (("ies", 4), ("ing", 5), ("ed", 4), ("es", 4), ("s", 3)):
        if w.endswith(suf) and len(w) - len(suf) >= min_len - len(suf) + 1:
            if suf == "ies":
                return w[:-3] + "y"
            if suf == "es" and not w.endswith(("ses", "xes", "ches", "shes", "zes")):
                return w[:-1]
            if suf == "s" and w.endswith("ss"):
                return w
            return w[: -len(suf)]
    return w


def content_words(text: str) -> list[str]:
    """Stemmed words that carry content, in order (stopwords and punctuation dropped)."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0).lower().strip("-'’")
        if w and w not in STOPWORDS and not (len(w) == 1 and w.isalpha()):
            out.append(stem(w) if w.isalpha() else w.replace(",", ""))
    return out


_NUM = re.compile(
    r"(?P<cur>[$€£¥₽])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\w.]\d)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"
    r"(?P<pct>\s?%)?"
    r"(?P<tail>(?:\s?-\s?|\s+)(?P<unit>%|percent\b|per\s?cent\b|[A-Za-z]+))?",
    re.IGNORECASE,
)


#: One unit spelled two ways (British / American): one unit, as the other languages' lexicons write it.
#: Kilometres are left as written: on the TUNE stories a quake's depth and a town's distance (10 km /
#: 16 km) are the figures that spelling kept apart, and nothing tells those two slots apart yet.
UNIT_SPELLINGS = {"meter": "metre", "centimeter": "centimetre", "millimeter": "millimetre", "liter": "litre",
                  "storey": "story"}

_AGE = re.compile(r"\s?-?\s?old\b")
_APPROX = re.compile(
    r"\b(?:more than|over|about|around|nearly|almost|some|up to|at least|roughly|approximately|"
    r"an estimated|estimated|fewer than|less than|under|close to)\s*$",
    re.IGNORECASE,
)


def _quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _NUM.finditer(text):
        raw = m.group("num")
        low = raw.lower()
        if low in NUMBER_WORDS:
            # word numbers only count when something follows that they count
            if not (m.start("num") == 0 or not text[m.start("num") - 1].isalpha()):
                continue
            value = float(NUMBER_WORDS[low])
        else:
            if m.start("num") and text[m.start("num") - 1].isalpha():
                continue  # part of a token such as "G7" or "F-16"
            value = float(raw.replace(",", ""))
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= SCALES[scale]
        unit = ""
        part = False
        end = m.end("scale") if m.group("scale") else m.end("num")
        if m.group("cur"):
            unit = m.group("cur")
        if m.group("pct"):
            unit, end = "%", m.end("pct")
        elif m.group("unit"):
            u = m.group("unit").lower().replace(" ", "")
            if u in ("%", "percent", "percent"):
                unit, end = "%", m.end("unit")
            elif u in CURRENCY_WORDS:
                unit, end = CURRENCY_WORDS[u], m.end("unit")
            elif not unit:
                # walk over modifiers to the counted noun: "5 more soldiers"; in a partitive ("two of
                # the four injured", "eleven of the train's 46 wagons") over number words and possessors too
                part = u == "of"
                tail = text[m.start("unit"):]
                for w in re.finditer(r"[A-Za-z]+", tail):
                    lw = w.group(0).lower()
                    if lw in UNIT_SKIP or (part and (lw in NUMBER_WORDS or tail[w.end():w.end() + 2] in _POSSESSIVE)):
                        continue
                    if part and lw == "s" and tail[w.start() - 1:w.start()] in ("'", "’"):
                        continue
                    if lw not in STOPWORDS:
                        unit = stem(lw)
                        unit = UNIT_SPELLINGS.get(unit, unit)
                        end = m.start("unit") + w.end()
                    break
        if low in NUMBER_WORDS and not unit:
            continue
        plural = bool(m.group("unit")) and m.group("unit").lower().endswith("s")
        if (
            raw.isdigit()
            and len(raw) == 4
            and 1900 <= value <= 2100
            and not m.group("cur")
            and not scale
            and not plural
        ):
            end = m.end("num")
            unit = "@year"  # a calendar year, never compared with "62-year-old"
        if unit in MONTHS or unit in WEEKDAYS:
            continue  # "3 December" is a date, handled below
        if unit == "year":
            old = _AGE.match(text, end)
            if old:  # "32-year-old", "five years old": an age, not a duration
                unit, end = "year-old", old.end()
        start = m.start("cur") if m.group("cur") else m.start("num")
        approx = bool(_APPROX.search(text[max(0, start - 25) : start]))
        out.append(as_points(text, Quantity(text[start:end], value, unit, start, end, approx, part and bool(unit))))
    return out


_POSSESSIVE = ("'s", "\u2019s")
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<wd>{'|'.join(sorted(WEEKDAYS, key=len, reverse=True))})\.?,?\s+\(?)?"
    rf"(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_MONTH_RE})\.?\s+(?P<y3>\d{{4}})"
    rf"|(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}}))\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(rf"\b(?P<wd>{'|'.join(w for w in WEEKDAYS if len(w) > 3)})\b", re.IGNORECASE)


def _dates(text: str) -> list[DateMention]:
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        month_word = m.group("m1") or m.group("m2") or m.group("m3")
        if month_word and month_word.lower() == "may" and month_word[0] == "m":
            continue  # the verb "may"
        if month_word and month_word.lower() in ("mar", "sat", "sun", "wed") and month_word.islower():
            continue
        day: int | None
        year: int | None
        if m.group("iy"):
            month, day, year = int(m.group("im")), int(m.group("id")), int(m.group("iy"))
        else:
            month = MONTHS[month_word.lower()]
            d = m.group("d1") or m.group("d2")
            day = int(d) if d else None
            y = m.group("y1") or m.group("y2") or m.group("y3")
            year = int(y) if y else None
        if day is not None and not 1 <= day <= 31:
            continue
        wd = WEEKDAYS.get((m.group("wd") or "").lower())
        end = m.end() + (1 if "(" in m.group(0) and text[m.end() : m.end() + 1] == ")" else 0)
        out.append(DateMention(text[m.start() : end], month, day, year, wd, m.start(), end))
        taken.append((m.start(), end))
    for m in _WEEKDAY.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        out.append(DateMention(m.group(0), None, None, None, WEEKDAYS[m.group("wd").lower()], m.start(), m.end()))
    return out


_CAP = re.compile(r"\b(?:[A-Z][a-zA-Z’'\-.]*|[A-Z]{2,})(?:\s+(?:of|the|de|van|von|al|bin)?\s*[A-Z][a-zA-Z’'\-.]*)*")
_QUOTE = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]|(?:(?<=\s)|^)[‘']([^’']{3,}?)[’'](?![A-Za-z])")
_NOT_NAMES = frozenset(
    {w.capitalize() for w in STOPWORDS}
    | {"I", "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "He", "She", "They",
       "We", "Yet", "But", "And", "Or", "So", "Such", "As", "Amid", "While", "However",
       "Earlier", "Later", "Meanwhile", "Behind", "One", "Some", "Many", "Most",
       # generic people at the start of a sentence are not names
       "Residents", "Officials", "Critics", "Experts", "Analysts", "Sources", "People", "Police",
       "Commuters", "Engineers", "Inspectors", "Voters", "Citizens", "Leaders", "Lawmakers",
       "Diplomats", "Witnesses", "Authorities", "Observers", "Protesters", "Workers", "Students",
       "Parents", "Locals", "Investigators", "Prosecutors", "Doctors", "Scientists", "Economists"}
    | {w.capitalize() for w in MONTHS} | {w.capitalize() for w in WEEKDAYS}
)


def _names(text: str) -> list[str]:
    out: list[str] = []
    for m in _CAP.finditer(text):
        if text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")" and m.group(0).isupper():
            continue  # a wire tag such as "(MENAFN)" or "(AP)", not a name in the claim
        words = m.group(0).rstrip(".").split()
        while words and words[0].strip("’'") in _NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words).replace("’s", "").replace("'s", "")
        if name and name not in out:
            out.append(name)
    return out


def lexicon_for(text: str, language: str | None) -> Lexicon | None:
    """The lexicon to read ``text`` with: its language's, when that is not English; with
    no language given, Cyrillic text is read as Russian or Ukrainian, the rest as English."""
    if language is not None:
        return lexicon(language)
    if script(text) == "cyrillic":
        return lexicon(detect_language(text) or "ru")
    return None


def analyze_sentence(text: str, language: str | None = None, *, published: str | None = None) -> Facts:
    """The checkable content of one sentence (``language``: ISO 639-1 code; None reads
    Cyrillic as Russian or Ukrainian and the rest as English); with its article's ``published``
    date, its dates read against it (``resolve_dates``)."""
    facts = _facts(text, language)
    resolve_dates(facts, text, language, published)
    return facts


def _facts(text: str, language: str | None) -> Facts:
    lex = lexicon_for(text, language)
    if lex is not None:
        return analyze_in(text, lex)
    dates = _dates(text)
    quantities = [
        q for q in _quantities(text)
        if not any(d.start <= q.start < d.end or q.start <= d.start < q.end for d in dates)
    ]
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    negated = any(w in NEGATIONS or w.endswith("n't") for w in words)
    subjective = [w for w in words if w in SUBJECTIVE]
    quotes = [a or b for a, b in _QUOTE.findall(text)]
    return Facts(
        quantities=quantities,
        dates=dates,
        names=_names(text),
        quotes=[q.strip() for q in quotes if len(q.split()) >= 2],
        negated=negated,
        subjective=subjective,
        content=frozenset(content_words(text)),
    )
