from __future__ import annotations

import re

from ..lang import all_abbreviations, all_months

# Titles before a name: a period after them never ends a sentence.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt",
    "sgt", "cmdr", "adm", "maj", "st", "jr", "sr", "rev", "hon", "pres", "supt", "insp",
    "amb", "messrs", "fr", "no", "nos", "vs", "v", "cf", "approx", "ca", "fig", "vol",
}
# Months: no boundary when a day or year follows ("Dec. 2", "Jan. 2025").
_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
# Prenominal country/organisation initialisms: "the U.S. State Department".
_INITIALISMS = {"u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c"}
# Nouns that continue a name after an initialism rather than start a sentence.
_INSTITUTION_NOUNS = {
    "state", "department", "army", "navy", "air", "marine", "marines", "senate", "house",
    "congress", "embassy", "treasury", "justice", "supreme", "defense", "defence", "president",
    "secretary", "ambassador", "envoy", "central", "federal", "government", "administration",
    "military", "forces", "officials", "official", "intelligence", "security", "special",
    "coast", "national", "general", "attorney", "commerce", "energy", "trade", "representative",
    "mission", "command", "troops", "dollar", "economy", "election", "elections", "open",
    "capitol", "border", "customs", "citizens", "allies", "policy", "counterpart",
}
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’)]»“«"
_OPENERS = "\"'“‘([«„‚»"
_MAX_QUOTE = 400  # a quote longer than this is probably unbalanced: stop protecting it

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]»“«]*(?=\s)")
_WORD_BEFORE = re.compile(r"(\S+)$")


_MARKS = frozenset("«„»“”\"‘’'")


def _mark(text: str, i: int, ch: str, d_double: int, d_single: int, low_open: int) -> tuple[int, int, int]:
    """The quote depths after the quotation mark ``ch`` at ``text[i]``."""
    prev = text[i - 1] if i else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in "«„":  # guillemets and German/Hungarian low quotes open a quote
        return d_double + 1, d_single, low_open + (ch == "„")
    if ch == "»":
        return max(0, d_double - 1), d_single, low_open
    if ch == "“" and low_open:  # „…“ closes with the mark English opens with
        return max(0, d_double - 1), d_single, low_open - 1
    if ch == "“":
        return d_double + 1, d_single, low_open
    if ch == "”":
        return max(0, d_double - 1), d_single, low_open
    if ch == '"':
        return (0 if d_double else 1), d_single, low_open
    if ch == "‘" and (prev.isspace() or prev in "([—-“\""):
        return d_double, d_single + 1, low_open
    if ch == "’" and d_single and not nxt.isalpha():
        return d_double, d_single - 1, low_open
    if ch == "'" and (prev.isspace() or prev in "([—-“\"") and nxt.isalpha():
        return d_double, d_single + 1, low_open
    if ch == "'" and d_single and not nxt.isalpha() and not prev.isspace():
        return d_double, d_single - 1, low_open
    return d_double, d_single, low_open


def _quote_depth(text: str) -> list[int]:
    """Depth of quotation at each character (0 = outside any quote)."""
    depth = [0] * (len(text) + 1)
    d_double = d_single = low_open = 0
    open_since = -1
    for i, ch in enumerate(text):
        if ch in _MARKS:  # one test for the ordinary character, which changes nothing
            d_double, d_single, low_open = _mark(text, i, ch, d_double, d_single, low_open)
        d = d_double + d_single
        if d and open_since < 0:
            open_since = i
        elif not d:
            open_since = -1
        if d and i - open_since > _MAX_QUOTE:
            d_double = d_single = low_open = 0
            d, open_since = 0, -1
        depth[i + 1] = d
    return depth


def _is_boundary(text: str, punct_start: int, end: int) -> bool:
    """Decide whether the punctuation run text[punct_start:end] ends a sentence."""
    rest = text[end:].lstrip()
    if not rest:
        return True
    first = rest[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS):
        return False
    if text[punct_start] != ".":
        return True
    m = _WORD_BEFORE.search(text[:punct_start])
    word = m.group(1).lstrip("\"'“‘([") if m else ""
    low = word.lower()
    next_word = re.match(r"[\w’'-]+", rest.lstrip(_OPENERS))
    nxt = next_word.group(0) if next_word else ""
    if low in _TITLES:
        return False
    if low in all_abbreviations():
        return False  # "г.", "Nr.", "z. B.", "Mme.", "т. е." in the languages we read
    if word.isdigit() and len(word) <= 4 and nxt.lower() in all_months():
        return False  # "3. Dezember", "2026. december 2."
    if low in _MONTHS and nxt[:1].isdigit():
        return False
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return False
    if low in ("e.g", "i.e", "a.m", "p.m") and not nxt[:1].isupper():
        return False
    if low in _INITIALISMS and nxt.lower() in _INSTITUTION_NOUNS:
        return False
    return True


def _split_region(text: str, lo: int, hi: int, out: list[tuple[int, int]]) -> None:
    region = text[lo:hi]
    depth = _quote_depth(region)
    start = 0
    for m in _BOUNDARY.finditer(region):
        end = m.end()
        if depth[end] and end - start < _MAX_QUOTE:
            continue
        if _is_boundary(region, m.start(), end):
            _emit(text, lo + start, lo + end, out)
            start = end
    _emit(text, lo + start, hi, out)


def _emit(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and any(c.isalnum() for c in text[a:b]):
        out.append((a, b))


_LINE = re.compile(r"[^\n]*(?:\n|$)")


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 20 or line.rstrip()[-1:] in _TERMINAL + ",;:":
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps / len(words) >= 0.5 or len(words) <= 8


def _continues(prev: str, nxt: str) -> bool:
    """True when a line break inside prev→nxt falls within one sentence."""
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n:
        return False
    if n[0].islower() or n[0] in ",;:)—–":
        return True
    tail = p.rstrip(_CLOSERS)
    if tail[-1:] in _TERMINAL:
        if tail.endswith("."):
            # "...internal memos from the U.S." / "State Department, there is..."
            m = _WORD_BEFORE.search(tail[:-1])
            word = (m.group(1) if m else "").lower().lstrip("\"'“‘(")
            first = re.match(r"[\w’'-]+", n)
            if word in _TITLES:
                return True
            if word in _INITIALISMS and first and first.group(0).lower() in _INSTITUTION_NOUNS:
                return True
        return False
    if p[-1] in ",;:—–-" or p.split()[-1].lower() in _JOINERS:
        return True
    return not _looks_like_heading(p)


_JOINERS = {"the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "with", "by", "from", "that", "as", "at"}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, in order."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]
    # Group consecutive non-blank lines (across blank lines too) into regions that
    # belong to one run of sentences; a region boundary is always a sentence boundary.
    regions: list[list[int]] = []
    prev_line: str | None = None
    for a, b in lines:
        line = text[a:b]
        if not line.strip():
            continue
        if regions and prev_line is not None and _continues(prev_line, line):
            regions[-1][1] = b
        else:
            regions.append([a, b])
        prev_line = line
    out: list[tuple[int, int]] = []
    for a, b in regions:
        _split_region(text, a, b, out)
    return out


_WS = re.compile(r"\s+")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) per sentence; text is the span with whitespace runs collapsed."""
    return [(a, b, _WS.sub(" ", text[a:b])) for a, b in sentence_spans(text)]


