"""Names across scripts: Cyrillic written in Latin letters as English-language news
agencies write it ("Уиткофф" → "witkoff", "Зеленского" → "zelensky"), and a sound
skeleton that lets the spellings of other Latin-script languages meet ("Selenskyj",
"Zelenszkij", "Zelensky" → "slnsk")."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    path = resources.files("storycheck.lang") / "data" / "translit.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


def _fold_accents(word: str) -> str:
    """'Orbán' -> 'orban', 'Müller' -> 'muller': accents are spelling, not sound, across languages."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).replace("ß", "ss")


def transliterate(word: str) -> str:
    """A Cyrillic word in lower-case Latin letters, agency style; other words lower-cased, accents folded."""
    w = word.lower()
    if not is_cyrillic(w):
        return _fold_accents(w)
    t = _table()
    out, i = [], 0
    for prefix, latin in t["initial"].items():
        if w.startswith(prefix):
            out.append(latin)
            i = len(prefix)
            break
    letters = t["letters"]
    for ch in w[i:]:
        out.append(letters.get(ch, ch))
    s = "".join(out)
    return re.sub(r"(?:iy|yy|ij)$", "y", s)  # Зеленский -> zelensky, as the agencies write it


def _stems(word: str) -> list[str]:
    """The word and, for Cyrillic, the word without each case ending it may carry."""
    w = word.lower()
    out = [w]
    if is_cyrillic(w):
        for end in _table()["cyrillic_endings"]:
            if w.endswith(end) and len(w) - len(end) >= 3:
                out.append(w[: -len(end)])
    return out


@lru_cache(maxsize=65536)
def latin_name(word: str) -> str:
    """How an English-language text most likely writes this name word, lower case:
    the agency spelling when we know it, else the transliterated stem."""
    names = _table()["names"]
    stems = _stems(word)
    for s in stems:
        if s in names:
            return str(names[s])
        folded = _fold_accents(s)
        if folded in names:
            return str(names[folded])
    return transliterate(stems[-1] if is_cyrillic(word) else word)


_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "s"), ("sz", "s"), ("cs", "c"), ("ch", "c"), ("kh", "h"),
             ("ts", "c"), ("tz", "c"), ("cz", "c"), ("ph", "f"), ("ck", "k"), ("qu", "kv"))
_LETTERS = str.maketrans({"w": "v", "z": "s", "x": "k", "q": "k", "c": "k", "y": "i", "j": "i"})


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A spelling-independent key of a name word: its Latin form, digraphs folded, then
    the first letter and the consonants, doubled letters once."""
    s = latin_name(word)
    s = re.sub(r"[^a-z]", "", s)
    s = re.sub(r"^y(?=[aeiou])", "", s)  # Yelena / Elena, Yevgeny / Evgeny: the glide is a spelling choice
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_LETTERS)
    if not s:
        return ""
    body = re.sub(r"[aeiou]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", s[0] + body)
