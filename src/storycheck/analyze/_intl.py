"""Checkable facts and sourcing of a sentence in Russian, Ukrainian, German, French or
Hungarian, from that language's lexicon (lang/data, our own lists; LEXICONS.md).

The facts come out in the form the English analysis gives them, so that the typed
checks compare across languages: units are the English unit words ("5 млрд долларов"
and "5 Mrd. Dollar" are 5e9 "$", "33-страничной" is 33 "page"), dates are day and month
numbers, names stay as written (verify folds their spelling, lang.skeleton).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .._types import DateMention, Facts, Quantity
from ..lang import Lexicon, phrases
from ._attribution import NONE, Attribution, Layer, QuoteSpan, Sourcing
from ._points import as_points

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЄІЇҐ"
_LETTER = r"[^\W\d_]"
_WORDS = re.compile(rf"{_LETTER}[\w'’\-]*|\d+(?:[.,]\d+)*")
#: A run of capitalised words (a name may hold "de", "von", "van", "le").
_CAP = re.compile(rf"(?<![\w'’-])[{_UPPER}][\w'’\-]*(?:\s+(?:de |von |van |le |la )?[{_UPPER}][\w'’\-]*)*")
_NUM = re.compile(
    r"(?P<cur>[$€£₽₴])?\s?(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d{1,3}(?:\.\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
    r"(?![\d])(?P<pct>\s?%)?"
)
_AFTER = re.compile(r"\s*-?\s*([^\W\d_][\w'’\-]*\.?|[$€£₽₴])")
#: Words a count may be parted from its noun by: "5 weitere Soldaten", "5 новых солдат".
SKIP_WORDS = 2


def _value(raw: str) -> float:
    """'2 500' and '2.500' are 2500; '1,5' is 1.5: the comma is the decimal mark in these languages."""
    s = re.sub(r"[ \u00a0\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        s = s.replace(".", "")
    return float(s.replace(",", "."))


def _unit_of(word: str, lex: Lexicon) -> str | None:
    """The English unit of a word by the longest unit stem it starts with."""
    w = word.lower().rstrip(".")
    if w in lex.units:
        return lex.units[w]
    head = w.split("-")[0]  # "30 km-es", "3-km"
    if head in lex.units:
        return lex.units[head]
    best = max((k for k in lex.units if w.startswith(k) and len(k) >= 3), key=len, default=None)
    return lex.units[best] if best else None


def _quantities(text: str, lex: Lexicon) -> list[Quantity]:
    out: list[Quantity] = []
    approx_re = _approx(lex)
    for m in _NUM.finditer(text):
        if m.start("num") and text[m.start("num") - 1].isalpha():
            continue  # part of a token such as "Су-35"
        value, unit, end = _value(m.group("num")), m.group("cur") or "", m.end()
        scaled = False
        if m.group("pct"):
            unit = "%"
        pos, skipped = m.end(), 0
        while not m.group("pct") and (w := _AFTER.match(text, pos)):
            word = w.group(1)
            low = word.lower().rstrip(".")
            if word in "$€£₽₴":
                unit, end = word, w.end()
                break
            if low in lex.scales and not scaled:
                value *= lex.scales[low]
                scaled, end, pos = True, w.end(), w.end()
                continue
            found = _unit_of(word, lex)
            if found and not unit:
                unit, end = found, w.end()
                break
            if unit or skipped >= SKIP_WORDS or (low in lex.stopwords and not scaled):
                break  # a function word ends the count, except "5 milliards de dollars"
            skipped, pos = skipped + 1, w.end()
        raw = m.group("num")
        if not unit and not scaled and raw.isdigit() and len(raw) == 4 and 1900 <= value <= 2100:
            unit, end = "@year", m.end("num")
        start = m.start("cur") if m.group("cur") else m.start("num")
        approx = bool(approx_re.search(text[max(0, start - 25) : start]))
        span = text[start:end].rstrip()
        if span.endswith(".") and span.split()[-1].lower().rstrip(".") not in lex.scales:
            span, end = span[:-1], end - 1  # a full stop, not an abbreviation
        out.append(as_points(text, Quantity(span, value, unit, start, end, approx)))
    return out


@lru_cache(maxsize=None)
def _approx(lex: Lexicon) -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w in sorted(lex.approx, key=len, reverse=True))
    return re.compile(rf"(?:{alt})\s*$", re.IGNORECASE)


@lru_cache(maxsize=None)
def _date_re(lex: Lexicon) -> re.Pattern[str]:
    months = "|".join(re.escape(m) for m in sorted(lex.months, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w])(?:(?P<d1>\d{{1,2}})(?:\.|-?(?:го|е|ого)|er|º)?\s+(?:de\s+)?(?P<m1>{months})\.?"
        rf"(?:\s+(?:de\s+|del\s+)?(?P<y1>\d{{4}}))?"
        rf"|(?:(?P<y2>\d{{4}})\.?\s+)?(?P<m2>{months})\.?\s+(?P<d2>\d{{1,2}})\.?(?!\d)"
        rf"|(?P<m3>{months})\s+(?:de\s+|del\s+)?(?P<y3>\d{{4}}))(?![\w])",
        re.IGNORECASE,
    )


def _dates(text: str, lex: Lexicon) -> list[DateMention]:
    out: list[DateMention] = []
    for m in _date_re(lex).finditer(text):
        word = (m.group("m1") or m.group("m2") or m.group("m3")).lower()
        d = m.group("d1") or m.group("d2")
        y = m.group("y1") or m.group("y2") or m.group("y3")
        day = int(d) if d else None
        if day is not None and not 1 <= day <= 31:
            continue
        text_ = m.group(0).strip()
        if text_.endswith(".") and not (m.group("d2") and text_.endswith(m.group("d2") + ".")) and len(word) > 4:
            text_ = text_[:-1]  # the sentence's full stop; "december 2." keeps the Hungarian ordinal dot
        out.append(DateMention(text_, lex.months[word], day, int(y) if y else None, None, m.start(),
                               m.start() + len(text_)))
    taken = [(d.start, d.end) for d in out]
    for m in phrases(frozenset(lex.weekdays)).finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(DateMention(m.group(0), None, None, None, lex.weekdays[m.group(0).lower()], m.start(), m.end()))
    return out


def _names(text: str, lex: Lexicon) -> list[str]:
    """Capitalised word runs, less function words; German capitalises every noun, so its
    'names' hold nouns too: verify only ever uses a name found again in another text."""
    out: list[str] = []
    for m in _CAP.finditer(text):
        words = m.group(0).rstrip(".").split()
        alone = len(words) == 1
        while words and _not_name(words[0], lex):
            words = words[1:]
        name = " ".join(words)
        if name and name not in out and not (m.start() == 0 and alone and lex.code == "de"):
            out.append(name)
    return out


def _not_name(word: str, lex: Lexicon) -> bool:
    """Capitalised words that are not names: function words, months, cues ("Laut", "Selon"), titles ("M.")."""
    w = word.lower().rstrip(".")
    return (len(w) < 2 or w in lex.stopwords or w in lex.months or w in lex.weekdays or w in lex.abbreviations
            or w in lex.cues_before or w in lex.speech_verbs or w in lex.hedges)


@lru_cache(maxsize=None)
def _quote_re(lex: Lexicon) -> re.Pattern[str]:
    alts = []
    for o, c in lex.quotes:
        inner = "".join(sorted({re.escape(o), re.escape(c)}))
        alts.append(rf"{re.escape(o)}\s*([^{inner}]{{3,}}?)\s*{re.escape(c)}")
    return re.compile("|".join(alts))


def quote_spans(text: str, lex: Lexicon) -> list[QuoteSpan]:
    out = []
    for m in _quote_re(lex).finditer(text):
        body = next((g for g in m.groups() if g), "").strip()
        if len(body.split()) >= 2:
            out.append(QuoteSpan(body, None, m.start(), m.end()))
    return out


def stem(word: str) -> str:
    """A crude stem for inflected languages: the first six letters (enough to meet
    'доклад', 'доклада', 'докладе'; numbers as written)."""
    return word if word[:1].isdigit() else word[:6]


def content_words(text: str, lex: Lexicon) -> list[str]:
    out = []
    for m in _WORDS.finditer(text):
        w = m.group(0).lower().strip("-'’")
        if w and w not in lex.stopwords and len(w) > 1:
            out.append(stem(w) if not w[:1].isdigit() else w.replace(",", "."))
    return out


def analyze(text: str, lex: Lexicon) -> Facts:
    """Facts of one sentence in ``lex``'s language."""
    dates = _dates(text, lex)
    quantities = [q for q in _quantities(text, lex)
                  if not any(d.start <= q.start < d.end or q.start <= d.start < q.end for d in dates)]
    words = [w.lower() for w in _WORDS.findall(text)]
    marked = set(lex.loaded) | {h for h in lex.hedges if " " not in h}
    return Facts(
        quantities=quantities,
        dates=dates,
        names=_names(text, lex),
        quotes=[q.text for q in quote_spans(text, lex)],
        negated=any(w in lex.negations for w in words),
        subjective=[w for w in words if w in marked],
        content=frozenset(content_words(text, lex)),
    )


# -- sourcing -----------------------------------------------------------------------------------

_PERSON = rf"[{_UPPER}][\w'’\-]+(?:\s+[{_UPPER}][\w'’\-]+){{0,2}}"
_TITLE_ABBR = r"(?:M\.|Mme|Dr\.|Prof\.|Hr\.|Fr\.)\s+"
#: German capitalises every noun: a name before a speech verb must be two words ("Anna Weber sagte"),
#: or "die Hochwasserentlastung gefunden, teilte ... mit" makes a noun a source.
_FULL_NAME = rf"[{_UPPER}][\w'’\-]+(?:\s+[{_UPPER}][\w'’\-]+){{1,2}}"


@lru_cache(maxsize=None)
def _sourcing_res(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    verbs = "|".join(re.escape(v) for v in sorted(lex.speech_verbs, key=len, reverse=True))
    cues = "|".join(re.escape(v) for v in sorted(lex.cues_before, key=len, reverse=True))
    post = r"\s+(?:szerint|zufolge)"  # Hungarian and German cues that follow the source
    lower = r"(?:[^\W\d_A-ZÀ-ÞА-ЯЁЄІЇҐ][\w'’\-]*\s+){0,2}?"  # "заявил мэр Иван Петров", "sagte Bürgermeisterin"
    return (
        re.compile(rf"(?<![\w])(?i:{cues})\s+(?:{_TITLE_ABBR})?{lower}(?P<src>{_PERSON})"),
        re.compile(rf"(?P<src>{_PERSON}){post}(?![\w])"),
        re.compile(rf"(?:{_TITLE_ABBR})?(?P<src>{_FULL_NAME if lex.code == 'de' else _PERSON})\s*,?\s+"
                   rf"(?:\S+\s+){{0,2}}?(?i:{verbs})(?![\w])"),
        re.compile(rf"(?<![\w])(?i:{verbs})\s*,?\s+(?:{_TITLE_ABBR})?{lower}(?P<src>{_PERSON})"),
    )


def _kind(source: str, lex: Lexicon, outlets: frozenset[str]) -> str:
    if any(_within(o, source) for o in outlets):
        return "outlet"
    if any(_within(org, source) for org in lex.organizations):
        return "organization"
    if lex.code == "de" and " " not in source and any(
            source.lower().endswith(org.lower()) for org in lex.organizations if " " not in org):
        return "organization"  # German compounds: "Wasserbehörde", "Stadtverwaltung"
    return "named_person"


def _within(name: str, text: str) -> bool:
    """``name`` as whole words of ``text`` ("Rat" is not in "Hochwasserentlastung")."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, re.IGNORECASE) is not None


def attribute(text: str, lex: Lexicon, outlets: frozenset[str] = frozenset()) -> Attribution:
    """The source one sentence credits: unnamed sources first (what a reader most needs to
    know), then the earliest named source, outlet or body."""
    anon = phrases(lex.anonymous).search(text)
    if anon:
        layer = Layer("anonymous", None, anon.group(0))
        return Attribution("anonymous", None, anon.group(0), (layer,))
    found: list[tuple[int, Attribution]] = []
    for rx in _sourcing_res(lex):
        for m in rx.finditer(text):
            src = m.group("src").strip()
            if _not_name(src.split()[0], lex):
                continue
            kind = _kind(src, lex, outlets)
            found.append((m.start(), Attribution(kind, src, m.group(0).strip())))  # type: ignore[arg-type]
            break
    docs = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, lex.documents)) + r")[\w]*", re.IGNORECASE)
    for doc in docs.finditer(text):  # documents by stem: "докладу", "Berichts"
        before = text[max(0, doc.start() - 25) : doc.start()]
        if phrases(lex.cues_before).search(before):  # "согласно документу", "laut dem Bericht", "selon le rapport"
            found.append((doc.start(), Attribution("document", doc.group(0), before.strip() + " " + doc.group(0))))
            break
    if not found:
        return NONE
    att = min(found, key=lambda t: t[0])[1]
    layers = tuple(Layer(a.kind, a.source, a.cue) for _, a in sorted(found, key=lambda t: t[0]))  # type: ignore[arg-type]
    return Attribution(att.kind, att.source, att.cue, layers)


def source_article(sentences: list[str], lex: Lexicon, outlets: frozenset[str] = frozenset()) -> list[Sourcing]:
    """Sourcing of every sentence; a quote with no source of its own takes the previous one's."""
    out: list[Sourcing] = []
    prev: Attribution = NONE
    verbs = phrases(lex.speech_verbs)
    for text in sentences:
        att = attribute(text, lex, outlets)
        quotes = quote_spans(text, lex)
        continues = False
        if att.kind == "none" and prev.kind != "none" and quotes and not verbs.search(text):
            att, continues = prev, True
        for q in quotes:
            q.speaker = att.source if att.kind != "none" else None
        out.append(Sourcing(att, quotes, continues))
        prev = att
    return out


def hedges(text: str, lex: Lexicon) -> list[str]:
    return [m.group(0) for m in phrases(lex.hedges).finditer(text)]


def loaded(text: str, lex: Lexicon) -> list[str]:
    return [m.group(0) for m in phrases(lex.loaded).finditer(text)]
