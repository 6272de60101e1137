"""`storycheck add` killed with SIGKILL and rerun ends where a clean run ends (bench/kill.py,
a fixed-seed share of `make bench`'s kill section): same articles, duplicates and stories."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import kill  # noqa: E402

#: Kill points per mode (fixed): (what the delay counts from, seconds). "written" with no delay lands
#: between a batch's transactions (articles committed, stories not yet); "opened" a second after the
#: store was opened, in model loading or describing.
POINTS = {"single": [("opened", 1.0), ("written", 0.0)], "dask": [("written", 0.0)]}


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
    fresh = _fresh(request, engine, tmp_path)
    runs = [kill.kill_once(files, fresh(f"k{i}"), mode, delay, expected, trigger=trigger)
            for i, (trigger, delay) in enumerate(POINTS[mode])]
    bad = [r for r in runs if not r["ok"]]
    assert not bad, bad
