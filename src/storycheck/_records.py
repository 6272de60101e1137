"""What grouping writes and the store keeps: one article's grouping features, a described batch, a
story update. They live here, below both ``group`` (which computes them) and ``store`` (which keeps
them), so that storage does not import grouping; ``storycheck.group`` re-exports every name.

Counts rather than tf-idf weights are kept, because idf changes as the archive grows; weights are
computed at comparison time from the current document frequencies (``Vocabulary``).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ._types import Article
from .embed import text_key

#: Near-duplicate test: word 5-shingles, 64 MinHash permutations in 16 bands of 4
#: (candidates from ~0.5 Jaccard; confirmed on the estimate).
PERMUTATIONS = 64
BANDS = 16


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


def band_keys(sig: np.ndarray) -> list[str]:
    rows = PERMUTATIONS // BANDS
    return [f"{b}:" + hashlib.blake2b(sig[b * rows : (b + 1) * rows].tobytes(), digest_size=8).hexdigest()
            for b in range(BANDS)]


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


#: Characters of the body embedded with the title as an article's lead (ClusterOptions.lead_chars says why 300);
#: here, below group and store, so a stored article's lead is rebuilt as grouping built it.
LEAD_CHARS = 300


def lead_text(title: str | None, body: str, lead_chars: int = LEAD_CHARS) -> str:
    """The title and the body's opening characters (whitespace collapsed): what is embedded."""
    return (title or "") + " " + " ".join(body.split())[:lead_chars]


@dataclass
class Duplicate:
    article: Article  # the copy (not stored: only its metadata and what it adds)
    original: str
    resemblance: float
    added: list[str]  # sentences of the copy the original does not have


@dataclass
class Batch:
    """What describing a batch writes (one transaction): articles, features, duplicate links, vectors."""

    articles: list[Article] = field(default_factory=list)
    features: list[ArticleFeatures] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # where the time went: features, duplicates, embed


@dataclass
class StoryUpdate:
    """What grouping a batch writes (one transaction)."""

    blocks: dict[str, list[str]] = field(default_factory=dict)  # article id → its block terms
    stories: dict[str, list[str]] = field(default_factory=dict)  # story id → its members after the batch
    dropped_stories: list[str] = field(default_factory=list)  # merged into another
