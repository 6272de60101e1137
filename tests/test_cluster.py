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


def test_a_feature_report_joins_its_story_across_every_example():
    """The Brackwell Gazette's feature ("It sounded like thunder") tells the derailment through a
    resident: other wording, the same town, people and figures; it joins the eight reports."""
    root = EXAMPLES.parent
    arts = read_paths([root])
    folder = {a.id: Path(a.path).parent.name for a in arts}
    groups = cluster_articles(arts)
    assert sorted(sorted({folder[i] for i in g}) for g in groups) == [
        ["brackwell-derailment"], ["merrow-bridge"], ["velmora-dam"]]


def test_real_stories_are_grouped_whole_on_the_held_out_realnews_stories():
    """realnews: each folder one real event in up to seven languages. Grouping was tuned on four
    stories (bench/realnews_grouping.py TUNE); these are the other four."""
    import pytest
    from conftest import SHARED

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import realnews_grouping as rg

    if not (SHARED / "realnews").is_dir():
        pytest.skip(f"{SHARED / 'realnews'} not found (the shared/ folder is absent)")
    arts, gold = rg.load(SHARED)
    held = [a for a in arts if gold[a.id] not in rg.TUNE]
    precision, recall = rg.pairwise(cluster_articles(held), {a.id: gold[a.id] for a in held})
    assert precision >= 0.98 and recall >= 0.9


def test_a_big_stored_story_is_represented_by_a_bounded_sample_with_its_candidates_first():
    from storycheck.group._incremental import story_sample

    members = [f"a{i:04d}" for i in range(1000)]
    near = ["a0999", "a0500", "x-not-a-member"]
    sample = story_sample(members, near, limit=100)
    assert len(sample) == 100 == len(set(sample)) and set(sample) <= set(members)
    assert sample[:2] == ["a0500", "a0999"]  # the members close to the batch always take part
    assert sample == story_sample(list(reversed(members)), near, limit=100)  # the same whatever the order
    assert story_sample(members[:40], near, limit=100) == members[:40]  # a small story is compared whole
