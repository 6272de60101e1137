"""What grouping looks at, per article, in a form the store can keep.

Counts rather than tf-idf weights are kept, because idf changes as the archive
grows; weights are computed at comparison time from the current document
frequencies (``Vocabulary``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date

import numpy as np

from .._records import PERMUTATIONS, ArticleFeatures

# re-exported: grouping's modules and storycheck.group import them from here
from .._records import Vocabulary as Vocabulary
from .._records import band_keys as band_keys
from .._records import content_hash as content_hash
from .._records import lead_text as lead_text
from .._types import Article
from ..analyze import content_words
from ..lang import article_language, latin_name

#: Capitalised words not at a sentence start, from the body only: headlines
#: capitalise every word ("Hid Crumbling Death Trap For Years").
_NAME = re.compile(r"(?<![.!?]\s)(?<![.!?]\s[\"“'‘])(?<!^)(?<!^[\"“'‘])(?<!\n)(?<!\n[\"“'‘])\b[A-Z][a-z]+", re.M)
#: Years and multi-digit or decimal figures: two events of one kind rarely share them
#: (a 5.8 quake in 2013 and a 6.1 quake in 2014); +0.02 B³ F1 on ECB+ dev.
_FIGURE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\b\d+\.\d+\b|\b\d{2,}\b")
_SHINGLE_WORD = re.compile(r"[^\W_]+")  # words of any script: Cyrillic text must not shingle to its numbers alone

#: Near-duplicate test: word 5-shingles, 64 MinHash permutations in 16 bands of 4
#: (candidates from ~0.5 Jaccard; confirmed on the estimate).
SHINGLE = 5
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261122)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def minhash(text: str) -> np.ndarray:
    toks = _SHINGLE_WORD.findall(text.lower())
    grams = {" ".join(toks[i : i + SHINGLE]) for i in range(max(1, len(toks) - SHINGLE + 1))}
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") >> 4 for g in grams],
        dtype=np.uint64,
    )
    if not len(hashes):
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    # (a·h + b) mod p per permutation; numpy uint64 wraps, which keeps it a fixed hash family
    return ((np.outer(_A, hashes) + _B[:, None]) % _PRIME).min(axis=1)


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two articles' word 5-shingles."""
    return float(np.mean(a == b))


#: Capitalised words of any script not at a sentence start, for articles not in English.
_NAME_ANY = re.compile(r"(?<![.!?]\s)(?<![.!?]\s[\"“'‘«„])(?<!^)(?<!\n)(?<![\w'’-])[A-ZÀ-ÖØ-ÞА-ЯЁЄІЇҐ][^\W\d_]+", re.M)


def _names(body: str, language: str | None) -> list[str]:
    """Name keys of the body: lower-case words in English; in other languages each name
    as an English text writes it (lang.latin_name: "Уиткоффа" → "witkoff"), so that
    one story told in two languages shares its names."""
    if (language or "en") == "en":
        return [w.lower() for w in _NAME.findall(body)]
    return [latin_name(w) for w in _NAME_ANY.findall(body)]


def features(article: Article, lead_chars: int) -> ArticleFeatures:
    body = article.text
    lang = article.language or article_language(article.title, body)
    return ArticleFeatures(
        id=article.id,
        terms=dict(Counter(content_words((article.title or "") + "\n" + body))),
        names=dict(Counter(_names(body, lang) + ["#" + x for x in _FIGURE.findall(body)])),
        lead=lead_text(article.title, body, lead_chars),
        day=_day(article.published),
        minhash=minhash(body),
        language=lang,
    )
