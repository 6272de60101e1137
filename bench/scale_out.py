"""Scale-out benchmark (issue #8): Dask workers writing to PostgreSQL, a 1M-vector index,
story lookup latency, and a projection built only from the measured per-worker figures."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

import pg


def _database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def throughput(shared: Path, n: int = 3000) -> dict:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from corpus import generate

    from storycheck import Article, add, open_store
    from storycheck.distribute import add_distributed, connect

    records = [rec for rec, _ in generate(shared / "benchmarks" / "ecbplus" / "dev.jsonl", n, seed=8)]
    arts = lambda: [Article(**r) for r in records]  # noqa: E731 - fresh objects for every run
    out: dict = {"articles": n}
    # synchronous_commit off: the figure is the write path, not the disk
    with pg.server(settings={"synchronous_commit": "off"}) as server:
        import numpy as np

        with open_store(_database(server, "copy")) as st:  # bulk vector write: binary COPY of 100k × 384 float32
            vecs = {f"k{i}": v for i, v in enumerate(np.random.default_rng(0).random((100_000, 384), dtype=np.float32))}
            t = time.perf_counter()
            with st._transaction():
                st.save_vectors(vecs, "bench")
            out["copy_100k_vectors_s"] = time.perf_counter() - t
        target = _database(server, "single")
        t = time.perf_counter()
        with open_store(target) as st:
            add(arts(), store=st)
        out["single_process"] = {"seconds": time.perf_counter() - t}
        for workers in (1, 2):
            target = _database(server, f"dask{workers}")
            client, _ = connect(f"local[{workers}]")
            try:
                client.run(lambda: None)  # workers up and the model loaded before the clock starts
                t = time.perf_counter()
                r = add_distributed(arts(), target, client)
                wall = time.perf_counter() - t
                rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            finally:
                client.close()
            out[f"dask_{workers}"] = {"seconds": wall, "partition_seconds": r["seconds"],
                                      "worker_peak_rss_mb": max(rss.values()), "added": r["added"]}
    for k in ("single_process", "dask_1", "dask_2"):
        out[k]["articles_per_s"] = n / out[k]["seconds"]
    return out


def million(shared: Path, n: int = 1_000_000, queries: int = 300) -> dict:
    """1M lead vectors (each a real lead vector of the generated corpus plus noise, renormalised),
    an HNSW index over them, and story lookups through it against a store of 1M story rows."""
    import numpy as np

    from storycheck import Article
    from storycheck.embed import default_backend
    from storycheck.group import features
    from storycheck.index import HnswIndex, load_index
    from storycheck.store import open_store

    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from corpus import generate

    made = list(generate(shared / "benchmarks" / "ecbplus" / "dev.jsonl", 4000, seed=9))
    base_vecs = default_backend().embed([features(Article(**rec), 300).lead for rec, _ in made])
    gold = [g for _, g in made]  # the story a lead (and every vector made from it) belongs to
    rng = np.random.default_rng(0)
    src = rng.integers(0, len(base_vecs), n)
    out: dict = {"vectors": n}
    with tempfile.TemporaryDirectory() as tmp:
        index = HnswIndex(base_vecs.shape[1])
        t = time.perf_counter()
        for i in range(0, n, 100_000):
            part = src[i : i + 100_000]
            v = base_vecs[part] + 0.03 * rng.normal(size=(len(part), base_vecs.shape[1])).astype(np.float32)
            index.add([f"a{k}" for k in range(i, i + len(part))], v / np.linalg.norm(v, axis=1, keepdims=True))
        out["index_build_s"] = time.perf_counter() - t
        index.save(Path(tmp) / "ann")
        out["index_mb"] = sum(p.stat().st_size for p in Path(tmp).glob("ann*")) / 2**20
        t = time.perf_counter()
        index = load_index(Path(tmp) / "ann")
        out["index_load_s"] = time.perf_counter() - t
        db = Path(tmp) / "s.db"
        with open_store(db) as st:  # 1M story memberships: each vector in its source lead's gold story
            st.conn.execute("PRAGMA foreign_keys = OFF")  # synthetic rows: no article text behind them
            with st._transaction():
                st._many("INSERT INTO stories (id, created_at, updated_at) VALUES (?, '', '')",
                         [(g,) for g in sorted(set(gold))])
                st._many("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)",
                         [(f"a{k}", gold[j]) for k, j in enumerate(src)])
            lat, hits = [], 0
            for q in range(queries):
                j = int(rng.integers(0, len(base_vecs)))
                v = base_vecs[j] + 0.03 * rng.normal(size=base_vecs.shape[1]).astype(np.float32)
                t = time.perf_counter()
                near = index.search((v / np.linalg.norm(v))[None, :], 20)[0]
                of = st.stories_of([a for a, _ in near])
                votes: dict[str, float] = {}
                for a, s in near:
                    if a in of:
                        votes[of[a]] = votes.get(of[a], 0.0) + s
                best = max(votes, key=votes.get) if votes else None
                lat.append(time.perf_counter() - t)
                hits += best == gold[j]
            out["lookup_ms_median"] = statistics.median(lat) * 1000
            out["lookup_ms_p95"] = sorted(lat)[int(0.95 * len(lat))] * 1000
            out["lookup_right_story"] = hits / queries
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out
