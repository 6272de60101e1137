"""Per-language word lists (data/<code>.json, written by us, see LEXICONS.md), loaded once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

#: Languages with their own lexicon; English keeps the lists in analyze/_lexicon.py.
LEXICON_LANGUAGES = ("ru", "uk", "de", "fr", "hu", "es", "it", "pt")


@dataclass(frozen=True, eq=False)  # hashed by identity: one instance per language (lexicon() caches)
class Lexicon:
    """What analysis needs to read news in one language."""

    code: str
    abbreviations: frozenset[str]
    quotes: tuple[tuple[str, str], ...]
    speech_verbs: tuple[str, ...]
    cues_before: tuple[str, ...]
    anonymous: tuple[str, ...]
    documents: tuple[str, ...]
    document_escalating: tuple[str, ...]
    organizations: tuple[str, ...]
    hedges: tuple[str, ...]
    loaded: tuple[str, ...]
    negations: frozenset[str]
    stopwords: frozenset[str]
    number_words: dict[str, float]
    scales: dict[str, float]
    units: dict[str, str]
    months: dict[str, int]
    weekdays: dict[str, int]
    approx: tuple[str, ...]
    year_words: tuple[str, ...]


def _read(name: str) -> dict[str, Any]:
    path = resources.files("storycheck.lang") / "data" / name
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=None)
def lexicon(code: str) -> Lexicon | None:
    """The lexicon of a language code, or None for English and languages we do not read."""
    if code not in LEXICON_LANGUAGES:
        return None
    d = _read(f"{code}.json")
    low = lambda xs: tuple(x.lower() for x in xs)  # noqa: E731 - matched case-insensitively
    return Lexicon(
        code=code,
        abbreviations=frozenset(low(d["abbreviations"])),
        quotes=tuple((a, b) for a, b in d["quotes"]),
        speech_verbs=low(d["speech_verbs"]),
        cues_before=low(d["cues_before"]),
        anonymous=low(d["anonymous"]),
        documents=low(d["documents"]),
        document_escalating=low(d["document_escalating"]),
        organizations=tuple(d["organizations"]),
        hedges=low(d["hedges"]),
        loaded=low(d["loaded"]),
        negations=frozenset(low(d["negations"])),
        stopwords=frozenset(low(d["stopwords"])),
        number_words={k.lower(): float(v) for k, v in d["number_words"].items()},
        scales={k.lower(): float(v) for k, v in d["scales"].items()},
        units={k.lower(): v for k, v in d["units"].items()},
        months={k.lower(): int(v) for k, v in d["months"].items()},
        weekdays={k.lower(): int(v) for k, v in d["weekdays"].items()},
        approx=low(d["approx"]),
        year_words=low(d["year_words"]),
    )


@lru_cache(maxsize=None)
def all_abbreviations() -> frozenset[str]:
    """Every language's abbreviations: a period after one never ends a sentence."""
    return frozenset().union(*(lx.abbreviations for c in LEXICON_LANGUAGES if (lx := lexicon(c))))


@lru_cache(maxsize=None)
def all_months() -> frozenset[str]:
    """Month names of every language, for "3. Dezember" (no sentence ends after the 3)."""
    return frozenset().union(*(lx.months.keys() for c in LEXICON_LANGUAGES if (lx := lexicon(c))))


@lru_cache(maxsize=256)
def phrases(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for a list of words and phrases, longest first, on word edges."""
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alt})(?![^\W\d_])", re.IGNORECASE)
