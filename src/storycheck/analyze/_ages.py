"""Ages of people, each with what says whose age it is: the name next to it and the words around it.

An age is a slot of its own: "Lee, 32" and "Mr Lee (33)" give one person two ages, while
"a 32-year-old" and "32 years of service" are an age and a duration. Written forms, in the
languages we read (and the Romance forms a neighbour language shares):

- "40-year-old", "40 years old", "aged 40" (also "aged 25 and 33"), "Lee, 32," and "Lee (32)";
- German "40-jährige", "40 Jahre alt", "im Alter von 40 Jahren";
- French "âgé de 40 ans", ", 40 ans,"; Spanish / Portuguese "de 40 años / anos";
- Russian "40-летний", "в возрасте 40 лет"; Ukrainian "40-річний", "у віці 40 років";
- Hungarian "40 éves".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lang import all_months
from ._lexicon import MONTHS, STOPWORDS, WEEKDAYS

#: The highest figure read as an age.
OLDEST = 120


@dataclass(frozen=True)
class Age:
    """One age in a sentence: as written, its value, where, the name it is set off after ("Lee,
    32" / "Lee (32)"; None otherwise) and the word beginnings around it (what the person is)."""

    text: str
    value: int
    start: int
    end: int
    name: str | None
    words: frozenset[str]
    sex: str | None = None  # "m" or "f" when the words around say so ("a 45-year-old man", "Ms. Koo (25)")


_FORMS = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?P<n>\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\b",
    r"\b(?P<n>\d{1,3})\s+(?:Jahre\s+alt|ans\b|éves\b|años\b|anos\b|anni\b)",
    r"\b(?P<n>\d{1,3})-?(?:jährig|летн|річн)\w*",
    r"\b(?:aged|âgée?s?\s+de|im\s+Alter\s+von|в\s+возрасте|у\s+віці|de)\s+(?P<n>\d{1,3})\b"
    r"(?!\s*(?:%|percent|per\s*cent|[.,]\d))",
)]
#: "aged 25 and 33": the second age of a pair.
_AND = re.compile(r"^\s*(?:and|und|et|и|і|та|e|y|és|,)\s*(\d{1,3})\b(?!\s*(?:%|[.,]\d))")
#: After "de" only when a year word follows ("de 40 anos"): "de 40" alone is any figure.
_YEARS_AFTER = re.compile(r"^\s*(?:ans|años|anos|anni|лет|років|Jahren?)\b", re.IGNORECASE)
#: "Lee, 32," / "Mr. Lee (33)": a name, then the age set off by commas or brackets.
_APPOSED = re.compile(r"(?P<name>(?<![\w’'-])[A-ZА-ЯЁЄІЇҐ][\w’'-]+)\s*(?:,\s*(?P<a>\d{1,3})\s*(?=[,;)–—])|"
                      r"\(\s*(?P<b>\d{1,3})\s*\))")
#: Capitalised words before ", 32," that name nobody: titles, and words capitalised by their place.
_NOT_NAME = frozenset({
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Herr", "Frau", "Mme", "The", "He", "She", "It", "They", "His", "Her",
    "Er", "Sie", "Der", "Die", "Das", "Il", "Elle", "Le", "La", "Les", "Он", "Она", "Він", "Вона", "Az",
    "In", "On", "At", "And", "According", "Police", "Officials", "Authorities", "Section", "Article", "Runway",
    "Gate", "Flight", "Page", "Chapter", "Room", "Game", "Round", "Stage", "Phase", "Level", "Route"})
#: Words around an age that say nothing of whose it is.
_GENERIC = frozenset(w[:5] for w in (
    "year", "years", "aged", "male", "female", "woman", "women", "person", "people", "said", "also", "both",
    "only", "other", "been", "have", "were", "was", "wurde", "jahre", "jahren", "éves", "años", "anos",
    "лет", "років", "avait", "estava", "that", "which", "who", "when", "while"))
_WINDOW = 5
_MALE = re.compile(r"\b(?:man|men|male|boy|he|his|him|mr|herr|mann|junge|homme|garçon|il|мужчина|мальчик|"
                   r"чоловік|хлопчик|férfi|fiú)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(?:woman|women|female|girl|she|her|ms|mrs|miss|frau|mädchen|femme|fille|elle|женщина|"
                     r"девочка|жінка|дівчина|nő|lány)\b", re.IGNORECASE)


def _sex(text: str, start: int, end: int) -> str | None:
    """'m' or 'f' when the words within 40 characters of an age say which (and not both)."""
    near = text[max(0, start - 40) : end + 40]
    male, female = bool(_MALE.search(near)), bool(_FEMALE.search(near))
    return "m" if male and not female else "f" if female and not male else None


def _words(text: str, start: int, end: int) -> frozenset[str]:
    """Word beginnings (five letters, lower case, names left out) of the few words on each side
    of an age: what the person is ("attendant", "survivor"), in any script."""
    before = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text[:start]) if not w[0].isupper()][-_WINDOW:]
    after = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text[end:]) if not w[0].isupper()][:_WINDOW]
    return frozenset(w.lower()[:5] for w in before + after
                     if len(w) > 3 and w.lower() not in STOPWORDS and w.lower()[:5] not in _GENERIC)


def ages(text: str) -> list[Age]:
    """The ages a sentence gives, in order."""
    found: list[tuple[int, int, int, str | None]] = []  # start, end, value, name (when apposed)
    for m in (m for form in _FORMS for m in form.finditer(text)):
        if m.group(0).lower().startswith("de") and not _YEARS_AFTER.match(text[m.end():]):
            continue
        found.append((m.start(), m.end(), int(m.group("n")), None))
        more = _AND.match(text[m.end():])
        if more:
            found.append((m.end() + more.start(1), m.end() + more.end(1), int(more.group(1)), None))
    for m in _APPOSED.finditer(text):
        name = m.group("name").rstrip("’'s")
        if name in _NOT_NAME or name.lower() in MONTHS or name.lower() in WEEKDAYS or name.lower() in all_months():
            continue
        grp = "a" if m.group("a") else "b"
        found.append((m.start(grp), m.end(grp), int(m.group(grp)), name))
    out: list[Age] = []
    for start, end, value, name in sorted(found):
        if not 0 < value <= OLDEST or any(a.start <= start < a.end for a in out):
            continue
        out.append(Age(text[start:end], value, start, end, name, _words(text, start, end),
                       _sex(text, start, end)))
    return out
