"""Story grouping: `storycheck cluster` and the grouping stage."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES

from storycheck import read_paths
from storycheck.group import cluster_articles, story_id

DATA = Path(__file__).parent / "data"
EXE = Path(sys.executable).with_name("storycheck")


def test_two_stories_are_told_apart_and_every_article_is_placed_once():
    arts = read_paths([EXAMPLES, DATA])
    groups = cluster_articles(arts)
    assert sorted(x for g in groups for x in g) == sorted(a.id for a in arts)
    by_outlet = {a.id: a.outlet for a in arts}
    outlets = sorted(sorted(by_outlet[i] for i in g) for g in groups)
    assert outlets == [["Coastline Wire", "Freedom Beacon Daily", "Heartland Truth Report", "Larkspur Ledger",
                        "Liberty Wire Now", "Patriot Pulse Network", "Valley Courier"],
                       ["Harbor Daily", "Verana Tribune"]]


def test_story_ids_are_stable():
    assert story_id(["b", "a"]) == story_id(["a", "b"]) != story_id(["a"])


def test_cli_json_touches_no_store(tmp_path):
    r = subprocess.run([str(EXE), "cluster", str(EXAMPLES), str(DATA), "--json"], capture_output=True, text=True,
                       env={"STORYCHECK_DB": str(tmp_path / "never.db"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"stories"} and len(doc["stories"]) == 2
    assert all(set(s) == {"id", "articles"} for s in doc["stories"])
    assert not (tmp_path / "never.db").exists()


def test_single_article_is_its_own_story():
    arts = read_paths([DATA / "quake_harbor_daily.txt"])
    assert cluster_articles(arts) == [[arts[0].id]]


def test_huge_components_are_split_before_average_link(monkeypatch):
    from storycheck.group import _cluster

    arts = read_paths([EXAMPLES, DATA])
    monkeypatch.setattr(_cluster, "MAX_COMPONENT", 2)  # force the splitting path
    groups = cluster_articles(arts)
    assert sorted(x for g in groups for x in g) == sorted(a.id for a in arts)
    quake = {a.id for a in arts if a.outlet in ("Harbor Daily", "Verana Tribune")}
    assert not any(quake & set(g) and set(g) - quake for g in groups)  # never merged across stories
