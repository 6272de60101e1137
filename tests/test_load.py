"""`storycheck serve` under concurrent clients (bench/load.py, shortened): no request fails and
every accepted article is stored or linked exactly once. Speed is measured by `make bench`, not here."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

pytest.importorskip("httpx")
sys.path.insert(0, str(ROOT / "bench"))

from load import run_load  # noqa: E402


def test_concurrent_posts_and_views_on_sqlite(tmp_path):
    r = run_load(str(tmp_path / "load.db"), clients=8, seconds=5, stories=6, seed=3)
    assert r["errors"] == 0, {k: v["first_errors"] for k, v in r["routes"].items() if v["errors"]}
    assert all(v["requests"] > 0 for v in r["routes"].values()), r["routes"]
    check = r["count_check"]
    assert check["accepted_posts_distinct"] > 0
    assert check["lost"] == 0 and check["stored_twice"] == 0
    assert check["counts"]["articles"] == check["serial_counts"]["articles"]
    assert check["counts"]["duplicates"] == check["serial_counts"]["duplicates"]
