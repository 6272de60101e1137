"""Site furniture: navigation, promotion, credits and metadata lines that are not
reporting ("Recommended Articles", "Share this", "Photo: …", "date 2025-12-07 403").

Furniture never becomes a sentence: it would be judged, counted as a claim and
shown in the matrix. Two tests, both on whole lines only (a sentence that merely
contains "read more" is kept):

* the line matches our list of furniture lines or patterns (data/furniture.json);
* the same short line stands alone in two or more articles of one outlet (its
  template: "Sign up for the Harbor Times briefing", a recurring byline).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._types import Article, Sentence
from ._split import split_sentences

#: A line repeated across one outlet's articles is furniture only when it is this short:
#: template lines are short, while a long repeated sentence is a reused paragraph that
#: the copy finder should see.
REPEATED_MAX_WORDS = 12

_EDGE = re.compile(r"^[\s\-–—•·|>»›:]+|[\s\-–—•·|>»›:.!…→]+$")
_WS = re.compile(r"\s+")
#: A line that is only dates, times, numbers and a few short words ("Dec 7, 2025 · 10:42").
_ONLY_DATE = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s*)?"
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*(?:at|,|·|\||-)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?)?(?:\s+\d{1,6})?$"
)


#: A byline: "By" and one to four capitalised names, optionally ", Staff Writer" or "and Name".
_BYLINE = re.compile(r"^By\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:,|and|&|\|)\s*(?:[A-Z][\w.'’-]*\s*){1,4})?\W*$")


@dataclass(frozen=True)
class _Lexicon:
    whole: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    meta: tuple[str, ...]  # longest first
    date_words: frozenset[str]
    stamp_words: frozenset[str]  # connectors and year words of stamps ("в", "року"), Italian months


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "furniture.json").read_text("utf-8"))
    return _Lexicon(frozenset(data["whole_lines"]), tuple(re.compile(p, re.IGNORECASE) for p in data["line_patterns"]),
                    tuple(sorted(data["meta_words"], key=len, reverse=True)), frozenset(data["date_words"]),
                    frozenset(data["stamp_words"]))


def _metadata(bare: str, lex: _Lexicon) -> bool:
    """"date 2025-12-07 403", "Updated: 3 hours ago": a metadata word, then only numbers and date words."""
    head = next((m for m in lex.meta if bare.startswith(m) and not bare[len(m):len(m) + 1].isalpha()), None)
    if head is None:
        return False
    rest = bare[len(head):].replace(":", " ", 1).split()
    return 0 < len(rest) <= 8 and all(any(c.isdigit() for c in t) or t.strip(",.") in lex.date_words for t in rest)


_STAMP_TOKEN = re.compile(r"[^\s,·|/()]+")
_STAMP_NUMBER = re.compile(r"^\d[\d:.\-h]*(?:г|р|h|uhr)?\.?$")


@lru_cache(maxsize=1)
def _stamp_words() -> frozenset[str]:
    """Month and weekday names of every language we read, and the short words of a publication stamp."""
    from ..lang import LEXICON_LANGUAGES, lexicon

    words = set(_lexicon().date_words) | set(_lexicon().stamp_words)
    for code in LEXICON_LANGUAGES:
        lx = lexicon(code)
        if lx is not None:
            words |= set(lx.months) | set(lx.weekdays)
    return frozenset(words)


def _timestamp(bare: str, lex: _Lexicon) -> bool:
    """A publication stamp in any language we read: a day and a month name or a time, maybe a year
    and a weekday, and nothing else ("6 декабря, 14:48", "07 декабря 2025 в 04:50", "2025. márc. 26. 9:12")."""
    tokens = _STAMP_TOKEN.findall(bare)
    if not 2 <= len(tokens) <= 10:
        return False
    words = _stamp_words()
    numbers = [t for t in tokens if _STAMP_NUMBER.match(t)]
    named = [t for t in tokens if t.rstrip(".") in words]
    if len(numbers) + len(named) != len(tokens) or not numbers:
        return False
    # a day: a month's name or a numeric date ("21.04.2025"); a clock time alone ("At 1:27 a.m.") is a sentence's piece
    numeric = any(re.match(r"^\d{1,4}[.\-]\d{1,2}[.\-]\d{1,4}\.?$", t) for t in numbers)
    month = any(t.rstrip(".") in words and t.rstrip(".") not in lex.stamp_words
                and t.rstrip(".") not in lex.date_words for t in named)
    return (numeric or month) and len(named) <= 4


def _bare(line: str) -> str:
    return _EDGE.sub("", _WS.sub(" ", line)).lower()


def is_furniture(line: str) -> bool:
    """Whether a whole line is site furniture by its own shape."""
    bare = _bare(line)
    if not bare:
        return True
    lex = _lexicon()
    if bare in lex.whole or _ONLY_DATE.match(bare) or _metadata(bare, lex) or _BYLINE.match(line.strip()) \
            or _timestamp(bare, lex):
        return True
    return len(bare) <= 240 and any(p.match(bare) for p in lex.patterns)


_LINE = re.compile(r"[^\n]+")


def lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group(0).strip()]


def furniture_lines(text: str, repeated: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that are furniture by shape or one of ``repeated``."""
    return [(a, b) for a, b in lines(text) if is_furniture(text[a:b]) or (repeated and _bare(text[a:b]) in repeated)]


def _template_like(line: str, outlet: str) -> bool:
    """Short, and either no sentence ending or the outlet's own name: a repeated line of
    reporting ("Most economists had expected the move.") is a sentence two articles share."""
    line = line.strip()
    if len(line.split()) > REPEATED_MAX_WORDS:
        return False
    return line.rstrip("\"'”’)]»").endswith(tuple(".!?…")) is False or outlet.lower() in line.lower()


def repeated_lines(articles: Sequence[Article]) -> dict[str, frozenset[str]]:
    """Per outlet (lower case), the short lines that recur in two or more of its articles
    (normalised text)."""
    seen: Counter[tuple[str, str]] = Counter()
    for a in articles:
        if not a.outlet:
            continue
        own = {_bare(a.text[x:y]) for x, y in lines(a.text) if _template_like(a.text[x:y], a.outlet)}
        for bare in own - {""}:
            seen[(a.outlet.lower(), bare)] += 1
    out: dict[str, set[str]] = {}
    for (outlet, bare), n in seen.items():
        if n >= 2:
            out.setdefault(outlet, set()).add(bare)
    return {k: frozenset(v) for k, v in out.items()}


def drop_furniture(articles: Sequence[Article]) -> None:
    """Leave site furniture out of segmented articles: lines furniture by their shape, and
    short lines one outlet repeats across its articles. An article whose sentences still
    hold such a line (a repeated template line, or a store written before furniture was
    left out) is split again without it; its new sentences carry no language or facts
    yet (segment_article adds them). The others only lose sentences that are furniture
    by themselves."""
    repeated = repeated_lines(articles) if len(articles) > 1 else {}
    for a in articles:
        own = repeated.get((a.outlet or "").lower(), frozenset())
        spans = furniture_lines(a.text, own)
        if any(x < s.end and s.start < y for x, y in spans for s in a.sentences):
            a.sentences = [Sentence(index=i, start=x, end=y, text=t)
                           for i, (x, y, t) in enumerate(content_sentences(a.text, own))]
        elif any(is_furniture(s.text) for s in a.sentences):
            a.sentences = [s for s in a.sentences if not is_furniture(s.text)]
            for i, s in enumerate(a.sentences):
                s.index = i


def content_sentences(text: str, repeated: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """``split_sentences`` without site furniture: furniture lines (and the ``repeated``
    template lines of the article's outlet) are blanked before splitting, so they never
    join a neighbouring line's sentence; a sentence that is furniture by itself
    ("Read more.") is dropped after."""
    spans = furniture_lines(text, repeated)
    if spans:
        chars = list(text)
        for a, b in spans:
            chars[a:b] = " " * (b - a)
        split = [(a, b, t) for a, b, t in split_sentences("".join(chars))]
    else:
        split = split_sentences(text)
    return [x for x in split if not is_furniture(x[2])]
