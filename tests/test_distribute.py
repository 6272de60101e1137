"""`add --dask`: a real Dask LocalCluster (2 workers, dashboard off) writing to real stores."""

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES

from storycheck import StoreError, add, open_store
from storycheck.ingest import read_paths

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def client():
    from storycheck.distribute import connect

    c, n = connect("local[2]")
    assert n == 2
    yield c
    c.close()
    c.cluster.close() if getattr(c, "cluster", None) else None


def _stories(target):
    with open_store(target) as st:
        members = st.story_members([s["id"] for s in st.list_stories()])
        return sorted(sorted(m) for m in members.values()), st.count("articles"), st.count("sentences")


def test_dask_add_gives_what_a_single_process_add_gives(client, store_target, tmp_path):
    from storycheck.distribute import add_distributed

    arts = read_paths([EXAMPLES, DATA])
    r = add_distributed(arts, store_target, client, partition_size=2)  # five partitions over two workers
    assert (r["added"], r["duplicates"], r["partitions"]) == (9, 0, 5)
    single = str(tmp_path / "single.db")
    with open_store(single) as st:
        add([EXAMPLES, DATA], store=st)
    assert _stories(store_target) == _stories(single)
    again = add_distributed(read_paths([EXAMPLES]), store_target, client)  # idempotent
    assert (again["added"], again["already"]) == (0, 7)


def test_postgres_and_dask_group_the_whole_examples_folder_as_a_plain_sqlite_add(client, postgres_server, tmp_path):
    """Scale-out never changes the answer: eleven articles in six languages (velmora-dam) stay one story."""
    import pg

    from storycheck.distribute import add_distributed

    folder = EXAMPLES.parent  # every example story: English, German, French, Russian, Ukrainian, Spanish, Portuguese
    single = str(tmp_path / "single.db")
    with open_store(single) as st:
        add([folder], store=st)
    target = pg.new_database(postgres_server, f"examples_{os.getpid()}")
    r = add_distributed(read_paths([folder]), target, client, partition_size=4)
    assert r["added"] == 27 and r["partitions"] == 7
    plain, dask = _stories(single), _stories(target)
    assert dask == plain
    velmora = sorted(a.id for a in read_paths([folder / "velmora-dam"]))
    assert velmora in dask[0]  # one story of eleven, not 5 + 2 + 2 + ...


def test_a_killed_worker_loses_nothing_and_duplicates_nothing(client, postgres_server):
    import psycopg

    from storycheck.distribute import add_distributed

    target = postgres_server + "/killed"
    with psycopg.connect(postgres_server + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS killed")
        conn.execute("CREATE DATABASE killed")
    arts = read_paths([EXAMPLES, DATA])
    result = {}
    run = threading.Thread(target=lambda: result.update(add_distributed(arts, target, client, partition_size=1)))
    run.start()
    time.sleep(0.5)
    workers = list(client.scheduler_info()["workers"])
    try:  # kill one worker process mid-run; its nanny restarts it, the scheduler reruns its partitions
        client.run(os._exit, 1, workers=workers[:1])
    except Exception:  # noqa: BLE001 - the worker dies before it can answer
        pass
    run.join(timeout=300)
    assert not run.is_alive() and result["partitions"] == 9
    with open_store(target) as st:
        assert st.count("articles") == 9
        per_article = st._x("SELECT article_id, COUNT(*), MAX(idx) FROM sentences GROUP BY article_id").fetchall()
        assert all(n == top + 1 for _, n, top in per_article)  # no sentence stored twice, none missing
        assert st.count("story_articles") == 9


def test_unreachable_store_is_a_clear_error_before_any_work(client):
    from storycheck.distribute import add_distributed

    with pytest.raises(StoreError, match="cannot connect"):
        add_distributed(read_paths([EXAMPLES]), "postgresql://x@127.0.0.1:9/none", client)
