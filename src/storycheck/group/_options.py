"""How stories are grouped: the settings shared by clustering and the similarity it uses."""

from __future__ import annotations

from dataclasses import dataclass

from .._records import LEAD_CHARS


@dataclass(frozen=True)
class ClusterOptions:
    #: Weights of word, name and lead-embedding similarity. Names carry most: two
    #: earthquakes share their vocabulary, not their places and people (ECB+ dev).
    content_weight: float = 0.25
    names_weight: float = 0.5
    embedding_weight: float = 0.25
    #: Average similarity at which two groups merge; tuned on ECB+ dev (bench/run.py cluster).
    threshold: float = 0.34
    #: Distinctive terms per article used to find candidates, and the most articles a
    #: term may point to before it stops being distinctive (caps the cost per term).
    block_terms: int = 15
    max_postings: int = 300
    #: Characters of title + lead that are embedded: 300 (~64 word pieces) costs half of
    #: 600 for 0.01 less B³ F1 on ECB+ dev (0.873 vs 0.883), and speed is what lets archives scale.
    lead_chars: int = LEAD_CHARS
    #: Days apart after which two dated articles are unlikely to be one story: their
    #: similarity halves every this many days beyond it.
    time_scale_days: float = 30.0
