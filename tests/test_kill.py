"""`storycheck add` killed with SIGKILL and rerun ends where a clean run ends (bench/kill.py,
a fixed-seed share of `make bench`'s kill section): same articles, duplicates and stories."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import kill  # noqa: E402

#: Kills per store and mode here; `make bench` runs 50 (bench/kill.py).
KILLS = {"single": 3, "dask": 2}


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    return kill.write_corpus(tmp_path_factory.mktemp("kill") / "corpus.jsonl", stories=12, seed=5)


def _fresh(request, engine, tmp_path):
    if engine == "sqlite":
        return lambda name: str(tmp_path / f"{name}.db")
    server = request.getfixturevalue("postgres_server")
    import pg

    return lambda name: pg.new_database(server, f"{name}_{request.node.callspec.id.replace('-', '_')}")


@pytest.mark.parametrize("mode", ["single", "dask"])
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_killed_add_reruns_to_the_clean_result(request, engine, mode, corpus_file, tmp_path):
    if mode == "dask":
        pytest.importorskip("distributed", reason="dask.distributed is not installed: the --dask kill test did not run")
    r = kill.kill_series(corpus_file, _fresh(request, engine, tmp_path), mode, KILLS[mode], seed=7)
    assert r["clean"]["articles"] > 0 and r["clean"]["stories"] > 0
    bad = [d for d in r["details"] if not d["ok"]]
    assert not bad, bad
