"""`storycheck add` killed with SIGKILL and rerun ends where a clean run ends (bench/kill.py,
a fixed-seed share of `make bench`'s kill section): same articles, duplicates and stories."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import kill  # noqa: E402

#: Kills per store and mode here (fixed seed), a share of `make bench`'s; a process runs a few seconds.
KILLS = {"single": 2, "dask": 1}
#: Kill delays are drawn from 0 to this many seconds: about a whole `add` of the small corpus on 2 cores.
SPAN_S = {"single": 4.0, "dask": 8.0}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The corpus, and the store a clean `add` of it leaves (in this process: the CLI's own add)."""
    from storycheck import Article, add, open_store

    tmp = tmp_path_factory.mktemp("kill")
    files = kill.write_corpus(tmp / "corpus.jsonl", stories=12, seed=5)
    with open_store(tmp / "clean.db") as st:
        add([Article(**json.loads(line)) for line in files.read_text().splitlines()], store=st)
    return files, kill.state(str(tmp / "clean.db"))


def _fresh(request, engine, tmp_path):
    if engine == "sqlite":
        return lambda name: str(tmp_path / f"{name}.db")
    server = request.getfixturevalue("postgres_server")
    import pg

    return lambda name: pg.new_database(server, f"{name}_{request.node.callspec.id.replace('-', '_')}")


@pytest.mark.parametrize("mode", ["single", "dask"])
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_killed_add_reruns_to_the_clean_result(request, engine, mode, clean, tmp_path):
    if mode == "dask":
        pytest.importorskip("distributed", reason="dask.distributed is not installed: the --dask kill test did not run")
    files, expected = clean
    assert expected["articles"] > 0 and expected["duplicates"] > 0 and expected["stories"] > 1
    r = kill.kill_series(files, _fresh(request, engine, tmp_path), mode, KILLS[mode], seed=7,
                         clean=(expected, SPAN_S[mode]))
    bad = [d for d in r["details"] if not d["ok"]]
    assert not bad, bad
