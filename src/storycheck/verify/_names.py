"""Matching names across outlets that spell them differently (U.S. / US / United States)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..lang import is_cyrillic, latin_name

_ALIASES = {
    "united states": "us", "united states of america": "us", "america": "us", "usa": "us",
    "american": "us", "americans": "us", "washington": "washington",
    "united kingdom": "uk", "britain": "uk", "great britain": "uk", "british": "uk",
    "kiev": "kyiv", "ukrainian": "ukraine", "ukrainians": "ukraine", "russian": "russia",
    "russians": "russia", "european": "europe", "europeans": "europe", "chinese": "china",
    "european union": "eu", "united nations": "un", "kremlin": "kremlin",
}


@lru_cache(maxsize=65536)  # a pure function of a word, asked ~50k times by one real story's compare
def name_key(name: str) -> str:
    """A spelling-independent key: lower case, no dots, aliases folded; a Cyrillic word in the
    Latin letters an English text would use ("Уиткоффа" → "witkoff", "Киев" → "kyiv")."""
    k = re.sub(r"[.’']", "", name.lower()).strip()
    k = re.sub(r"\s+", " ", k)
    if is_cyrillic(k):
        k = " ".join(latin_name(w) if is_cyrillic(w) else w for w in k.split())
    if k in _ALIASES:
        return _ALIASES[k]
    return " ".join(_ALIASES.get(w, w) for w in k.split())


_WORDS = re.compile(r"[A-Za-zА-яЁёЄєІіЇїҐґ][A-Za-zА-яЁёЄєІіЇїҐґ.’'\-]*")
_CAPS = re.compile(r"(?<![\w])[A-ZА-ЯЁЄІЇҐ][A-Za-zА-яЁёЄєІіЇїҐґ.’'\-]*")


@lru_cache(maxsize=8192)  # one text is indexed for every claim checked against it
def _index(text: str) -> tuple[str, frozenset[str]]:
    norm = " " + " ".join(name_key(w) for w in _WORDS.findall(text)) + " "
    caps = frozenset(name_key(w) for w in _CAPS.findall(text))
    return norm, caps


class NameIndex:
    """The names another set of texts carries, for 'does anyone else mention X?'."""

    def __init__(self, texts: list[str]) -> None:
        parts = [_index(t) for t in texts]
        self.norm = "".join(p[0] for p in parts)
        self.caps: set[str] = set().union(*(p[1] for p in parts)) if parts else set()

    def has(self, name: str) -> bool:
        key = name_key(name)
        words = key.split()
        if not words:
            return True
        if f" {key} " in self.norm:
            return True
        if len(words) > 1:
            # a person or body is usually re-mentioned by its last word: "Trump", "Pushkov"
            return words[-1] in self.caps
        return key in self.caps


def names_found(names: list[str], texts: list[str]) -> list[bool]:
    idx = NameIndex(texts)
    return [idx.has(n) for n in names]
