"""Nearest neighbours over article lead vectors, for story lookup at archive scale.

A small interface (``VectorIndex``: add, search, save, len) with three
implementations: ``ExactIndex`` (numpy, the reference and the fallback),
``HnswIndex`` (faiss HNSW: up to a few million vectors, no training) and
``IvfPqIndex`` (faiss IVF-PQ for more, searched coarsely then re-ranked exactly
from the stored float32 vectors). Where pgvector exists, it can stand behind the
same interface. The index is a file beside the store (``<db>.ann``), extended
incrementally: ``sync`` adds what the store has and the index has not.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .._output import write_output, write_output_with

if TYPE_CHECKING:
    import faiss


class VectorIndex(Protocol):
    dim: int

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...
    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...
    def __len__(self) -> int: ...


def _fresh(ids: Sequence[str], vectors: np.ndarray, have: set[str]) -> tuple[list[str], np.ndarray]:
    """Ids (and their rows) the index does not hold yet: adding twice changes nothing."""
    keep = [k for k, x in enumerate(ids) if x not in have]
    new_ids = [ids[k] for k in keep]
    have.update(new_ids)
    return new_ids, np.asarray(vectors, dtype=np.float32)[keep] if len(keep) != len(ids) else vectors


class ExactIndex:
    """Brute-force inner product: exact, O(n) per query; the reference the others are measured against."""

    kind = "exact"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.ids: list[str] = []
        self._have: set[str] = set()
        self._chunks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        ids, vectors = _fresh(ids, vectors, self._have)
        self.ids.extend(ids)
        self._chunks.append(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim))
        self._matrix = None

    def _all(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = np.concatenate(self._chunks) if self._chunks else np.zeros((0, self.dim), np.float32)
            self._chunks = [self._matrix]
        return self._matrix

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        m = self._all()
        if not len(m):
            return [[] for _ in range(len(vectors))]
        scores = np.asarray(vectors, np.float32) @ m.T
        k = min(k, len(m))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        out = []
        for row, cand in zip(scores, top, strict=False):
            order = cand[np.argsort(-row[cand])]
            out.append([(self.ids[j], float(row[j])) for j in order])
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        vectors = self._all()
        write_output_with(Path(str(path) + ".npy"), lambda fh: np.save(fh, vectors))
        _save_meta(path, self.kind, self.dim, self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class HnswIndex:
    """faiss HNSW (M=32, efSearch=64) on inner product; vectors are unit length, so that is cosine."""

    kind = "hnsw"

    def __init__(self, dim: int, *, m: int = 32, ef_search: int = 64, ef_construction: int = 80) -> None:
        import faiss

        self.dim = dim
        self.ids: list[str] = []
        self._have: set[str] = set()
        index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        index.hnsw.efSearch = ef_search
        self.index: faiss.Index = index

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        ids, vectors = _fresh(ids, vectors, self._have)
        if len(ids):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            self.ids.extend(ids)

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        if not self.ids:
            return [[] for _ in range(len(vectors))]
        scores, idx = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), min(k, len(self.ids)))
        return [
            [(self.ids[j], float(s)) for s, j in zip(srow, irow, strict=False) if j >= 0]
            for srow, irow in zip(scores, idx, strict=False)
        ]

    def save(self, path: str | os.PathLike[str]) -> None:
        _save_faiss(path, self.index)
        _save_meta(path, self.kind, self.dim, self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class IvfPqIndex:
    """faiss IVF-PQ: coarse cells and 8-bit product codes (48 bytes a vector), then the best
    ``rerank`` candidates are scored exactly with the stored float32 vectors (``fetch``)."""

    kind = "ivfpq"

    def __init__(self, dim: int, fetch: Callable[[Sequence[str]], dict[str, np.ndarray]] | None = None, *,
                 nlist: int = 1024, m: int = 48, nprobe: int = 16, rerank: int = 100) -> None:
        self.dim, self.fetch, self.rerank = dim, fetch, rerank
        self.nlist, self.m, self.nprobe = nlist, m, nprobe
        self.ids: list[str] = []
        self._have: set[str] = set()
        self.index: faiss.Index | None = None  # trained on the first vectors added

    def train(self, sample: np.ndarray) -> faiss.Index:
        import faiss

        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFPQ(quantizer, self.dim, self.nlist, self.m, 8, faiss.METRIC_INNER_PRODUCT)
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        index.nprobe = self.nprobe
        self.index = index
        return index

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        ids, vectors = _fresh(ids, vectors, self._have)
        if len(ids):
            index = self.index if self.index is not None else self.train(vectors)
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            self.ids.extend(ids)

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        if self.index is None or not self.ids:
            return [[] for _ in range(len(vectors))]
        q = np.ascontiguousarray(vectors, dtype=np.float32)
        scores, idx = self.index.search(q, min(max(k, self.rerank), len(self.ids)))
        out = []
        for qv, srow, irow in zip(q, scores, idx, strict=False):
            cand = [(self.ids[j], float(s)) for s, j in zip(srow, irow, strict=False) if j >= 0]
            if self.fetch is not None and cand:
                exact = self.fetch([c for c, _ in cand])
                cand = sorted(((c, float(exact[c] @ qv)) for c, _ in cand if c in exact), key=lambda x: -x[1])
            out.append(cand[:k])
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        if self.index is None:
            raise ValueError("an IVF-PQ index is trained on its first vectors: an empty one cannot be saved")
        _save_faiss(path, self.index)
        _save_meta(path, self.kind, self.dim, self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _save_faiss(path: str | os.PathLike[str], index: faiss.Index) -> None:
    """The faiss index streamed into PATH.faiss (no second copy in memory) by the output rules."""
    import faiss

    writer = faiss.PyCallbackIOWriter  # type: ignore[attr-defined]  # not in faiss's stubs
    write_output_with(Path(str(path) + ".faiss"), lambda fh: faiss.write_index(index, writer(fh.write)))


def _save_meta(path: str | os.PathLike[str], kind: str, dim: int, ids: list[str]) -> None:
    write_output(Path(str(path) + ".ids"), json.dumps({"kind": kind, "dim": dim, "ids": ids}))


def load_index(path: str | os.PathLike[str],
               fetch: Callable[[Sequence[str]], dict[str, np.ndarray]] | None = None) -> VectorIndex | None:
    """The index saved at ``path``, or None when there is none."""
    meta_file = Path(str(path) + ".ids")
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text())
    kind, dim = meta["kind"], int(meta["dim"])
    if kind == "exact":
        exact = ExactIndex(dim)
        exact.add(meta["ids"], np.load(Path(str(path) + ".npy")))
        return exact
    import faiss

    raw = faiss.read_index(str(path) + ".faiss")
    loaded = HnswIndex(dim) if kind == "hnsw" else IvfPqIndex(dim, fetch)
    loaded.index = raw
    loaded.ids = list(meta["ids"])
    loaded._have = set(loaded.ids)
    return loaded


#: Up to this many vectors HNSW (no training, best recall); beyond, IVF-PQ with exact re-ranking.
HNSW_LIMIT = 5_000_000


def new_index(dim: int, expected: int = 0,
              fetch: Callable[[Sequence[str]], dict[str, np.ndarray]] | None = None) -> VectorIndex:
    try:
        import faiss  # noqa: F401
    except ImportError:
        return ExactIndex(dim)
    return IvfPqIndex(dim, fetch) if expected > HNSW_LIMIT else HnswIndex(dim)


def sync(index: VectorIndex, store: object, model: str, batch: int = 20_000) -> int:
    """Add the lead vectors of stored articles the index does not hold yet; returns how many."""
    have: set[str] = getattr(index, "_have", set())
    todo = [a for a in store.feature_ids() if a not in have]  # type: ignore[attr-defined]
    added = 0
    for i in range(0, len(todo), batch):
        feats = store.load_features(todo[i : i + batch], model)  # type: ignore[attr-defined]
        feats = [f for f in feats if f.vector is not None]
        if feats:
            index.add([f.id for f in feats], np.stack([f.vector for f in feats]))
            added += len(feats)
    return added
