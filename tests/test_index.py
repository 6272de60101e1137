"""Nearest-neighbour index: faiss HNSW and IVF-PQ against the exact reference; persisted; used by add."""

import numpy as np
import pytest
from conftest import EXAMPLES

from storycheck import add, open_store
from storycheck.index import ExactIndex, load_index

faiss = pytest.importorskip("faiss", reason="faiss-cpu is not installed")
from storycheck.index import HnswIndex, IvfPqIndex  # noqa: E402


def _unit(n, dim=32, seed=0):
    """Unit vectors around 50 centres: news leads cluster by story, they are not uniform noise."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(size=(50, dim))
    v = (centres[rng.integers(0, 50, n)] + 0.4 * rng.normal(size=(n, dim))).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _recall(index, exact, queries, k=10):
    got = index.search(queries, k)
    ref = exact.search(queries, k)
    return np.mean([len({i for i, _ in g} & {i for i, _ in r}) / k for g, r in zip(got, ref, strict=False)])


def test_hnsw_matches_exact_search_and_survives_a_reload(tmp_path):
    data, queries = _unit(3000), _unit(50, seed=1)
    ids = [f"a{i}" for i in range(3000)]
    exact, hnsw = ExactIndex(32), HnswIndex(32)
    for ix in (exact, hnsw):
        ix.add(ids[:2000], data[:2000])
        ix.add(ids[2000:], data[2000:])  # extended incrementally
        ix.add(ids[:10], data[:10])  # adding again changes nothing
    assert len(hnsw) == len(exact) == 3000
    assert _recall(hnsw, exact, queries) >= 0.9
    hnsw.save(tmp_path / "ann")
    again = load_index(tmp_path / "ann")
    assert isinstance(again, HnswIndex) and len(again) == 3000
    assert again.search(queries[:5], 3) == hnsw.search(queries[:5], 3)
    assert again.search(data[7:8], 1)[0][0][0] == "a7"  # a stored vector finds itself


def test_ivfpq_reranks_exactly_from_stored_vectors():
    data, queries = _unit(5000, seed=2), _unit(30, seed=3)
    ids = [f"b{i}" for i in range(5000)]
    stored = dict(zip(ids, data, strict=False))
    ivf = IvfPqIndex(32, fetch=lambda keys: {k: stored[k] for k in keys}, nlist=32, m=8, nprobe=8, rerank=100)
    ivf.add(ids, data)
    exact = ExactIndex(32)
    exact.add(ids, data)
    assert _recall(ivf, exact, queries) >= 0.8
    top = ivf.search(queries[:1], 1)[0][0]
    assert top[1] == pytest.approx(float(stored[top[0]] @ queries[0]), abs=1e-5)  # an exact score, not a PQ estimate


def test_add_with_an_index_keeps_it_in_step_with_the_store(tmp_path):
    db, ann = tmp_path / "s.db", tmp_path / "s.ann"
    with open_store(db) as st:
        add([EXAMPLES / "01_coastline_wire.txt", EXAMPLES / "03_valley_courier.json"], store=st, index=ann)
        index = load_index(ann)
        assert index is not None and len(index) == 2
        add([EXAMPLES], store=st, index=ann)
        assert len(load_index(ann)) == 7
        assert len(st.list_stories()) == 1
