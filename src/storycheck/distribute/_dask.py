"""Adding an archive with Dask.distributed: one code path with the single process.

The driver reads and checks every input first (bad input stops everything before
a write, as without Dask), cuts the articles into partitions, and each worker
runs ``describe_batch`` and ``Store.write_articles`` on its partition, the very
functions ``add`` calls. A worker loads the embedding model once (``ModelPlugin``).
Writes are transactions keyed by article id, so a partition retried after a
killed worker stores nothing twice and nothing half. Stories are then updated
once, by the driver, from the articles that have none yet: the same
``group_unassigned`` that resumes an interrupted ``add``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from .._exceptions import InputError
from .._types import Article

try:
    from distributed import WorkerPlugin
except ImportError:  # the [scale] extra is not installed: connect() says so
    WorkerPlugin = object  # type: ignore[misc,assignment]

PLUGIN_NAME = "storycheck-model"


class ModelPlugin(WorkerPlugin):  # type: ignore[misc]
    """Loads the embedding model once per worker, with the worker's share of the cores."""

    name = PLUGIN_NAME

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self.backend: Any = None

    def setup(self, worker: Any) -> None:
        if self.threads:
            os.environ["STORYCHECK_THREADS"] = str(self.threads)
        from ..embed import default_backend

        self.backend = default_backend()

    def teardown(self, worker: Any) -> None:
        self.backend = None


@dataclass
class PartitionResult:
    stored: int
    already: int
    duplicates: int
    seconds: dict[str, float]  # segment, describe (features + lead embedding), write


def process_partition(records: list[dict[str, Any]], db: str) -> PartitionResult:
    """On a worker: segment, describe and store one partition (idempotent)."""
    from distributed import get_worker

    from .._pipeline import split_only
    from ..group import describe_batch
    from ..store import open_store

    backend = cast(ModelPlugin, get_worker().plugins[PLUGIN_NAME]).backend
    t0 = time.perf_counter()
    arts = [split_only(Article(**r)) for r in records]
    t1 = time.perf_counter()
    with open_store(db) as store:
        known = store.known_ids([a.id for a in arts])
        new = [a for a in arts if a.id not in known]
        batch = describe_batch(store, new, backend)
        t2 = time.perf_counter()
        stored = store.write_articles(batch, backend.model_id)
    t3 = time.perf_counter()
    return PartitionResult(len(stored), len(arts) - len(new) + len(batch.articles) - len(stored),
                           len(batch.duplicates), {"segment": t1 - t0, "describe": batch.seconds.get("describe", 0.0),
                                                   "embed": batch.seconds.get("embed", 0.0), "write": t3 - t2})


_LOCAL = re.compile(r"^local(?:\[(\d+)\])?$")


def connect(spec: str) -> tuple[Any, int]:
    """``local[N]`` starts a LocalCluster of N single-threaded worker processes (dashboard off);
    anything else is a scheduler address. Returns (client, workers)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask needs dask.distributed: pip install 'storycheck[scale]'") from None
    m = _LOCAL.match(spec)
    if m:
        n = int(m.group(1) or (os.cpu_count() or 1))
        import logging
        import warnings

        logging.getLogger("distributed").setLevel(logging.ERROR)  # the scheduler runs in this process
        with warnings.catch_warnings():  # "port in use, hosting elsewhere": noise on a shared machine
            warnings.simplefilter("ignore")
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
        client.register_plugin(ModelPlugin(threads=max(1, (os.cpu_count() or 1) // n)), name=PLUGIN_NAME)
        return client, n
    try:
        client = Client(spec, timeout="10s")
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {spec}: {exc}") from None
    client.register_plugin(ModelPlugin(), name=PLUGIN_NAME)
    return client, len(client.scheduler_info()["workers"])


def add_distributed(
    articles: Sequence[Article],
    db: str,
    client: Any,
    *,
    partition_size: int = 256,
    retries: int = 2,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Store ``articles`` through the workers, then update stories; returns counts and timings."""
    from distributed import as_completed

    from .._pipeline import group_unassigned
    from ..embed import default_backend
    from ..store import open_store

    open_store(db).close()  # migrate once, and fail fast (clear error) when the store is unreachable
    records = [{"id": a.id, "text": a.text, "title": a.title, "outlet": a.outlet, "url": a.url,
                "published": a.published, "path": a.path} for a in articles]
    parts = [records[i : i + partition_size] for i in range(0, len(records), partition_size)]
    t0 = time.perf_counter()
    futures = client.map(process_partition, parts, db=db, retries=retries, pure=False)
    totals = {"added": 0, "already": 0, "duplicates": 0}
    seconds = {"segment": 0.0, "describe": 0.0, "embed": 0.0, "write": 0.0}
    for fut in as_completed(futures):
        r: PartitionResult = fut.result()
        totals["added"] += r.stored
        totals["already"] += r.already
        totals["duplicates"] += r.duplicates
        for k, v in r.seconds.items():
            seconds[k] += v
        if progress:
            progress(1)
    t1 = time.perf_counter()
    with open_store(db) as store:
        changed = group_unassigned(store, default_backend())
    t2 = time.perf_counter()
    return {
        **totals,
        "stories": len(changed),
        "partitions": len(parts),
        "seconds": {"workers_wall": t1 - t0, "group_wall": t2 - t1, **{f"worker_{k}": v for k, v in seconds.items()}},
    }
