"""What grouping looks at, per article, in a form the store can keep.

Counts rather than tf-idf weights are kept, because idf changes as the archive
grows; weights are computed at comparison time from the current document
frequencies (``Vocabulary``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .._types import Article
from ..analyze import content_words
from ..embed import text_key
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
PERMUTATIONS = 64
BANDS = 16
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261122)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)


@dataclass
class ArticleFeatures:
    id: str
    terms: dict[str, int]  # content-word counts (title + body)
    names: dict[str, int]  # counts of names and '#'-prefixed figures (body)
    lead: str  # title + opening characters: what is embedded
    day: date | None
    minhash: np.ndarray  # uint64[PERMUTATIONS]
    vector: np.ndarray | None = None  # embedding of ``lead``, filled by the caller
    language: str | None = None  # ISO 639-1; None: detected from ``lead`` when needed (stored features)


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


def band_keys(sig: np.ndarray) -> list[str]:
    rows = PERMUTATIONS // BANDS
    return [f"{b}:" + hashlib.blake2b(sig[b * rows : (b + 1) * rows].tobytes(), digest_size=8).hexdigest()
            for b in range(BANDS)]


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


def lead_text(title: str | None, body: str, lead_chars: int) -> str:
    """The title and the body's opening characters (whitespace collapsed): what is embedded."""
    return (title or "") + " " + " ".join(body.split())[:lead_chars]


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


class Vocabulary:
    """Document frequencies of terms and names; '@' prefixes names."""

    def __init__(self, n: int = 0, df: Mapping[str, int] | None = None) -> None:
        self.n = n
        self.df: Counter[str] = Counter(df or {})

    @classmethod
    def of(cls, feats: Sequence[ArticleFeatures]) -> Vocabulary:
        v = cls()
        v.add(feats)
        return v

    def add(self, feats: Sequence[ArticleFeatures]) -> None:
        self.n += len(feats)
        for f in feats:
            self.df.update(f.terms.keys())
            self.df.update("@" + k for k in f.names)

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / max(self.df.get(term, 0), 1)) + 1.0

    def weights(self, counts: Mapping[str, int], prefix: str = "") -> dict[str, float]:
        vec = {w: (1 + math.log(c)) * self.idf(prefix + w) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}


def content_hash(text: str) -> str:
    """Hash of the text with whitespace normalised: the same article re-wrapped is the same text."""
    return text_key(" ".join(text.split()))
