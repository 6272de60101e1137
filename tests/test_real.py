"""The real-coverage scorer (bench/real.py) counts what ../shared/realnews/README.md says it counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED
from real import FAMILIES, REPORT, STORIES, TUNE, Ours, read_families, read_labels, run_story, score_story

REAL = SHARED / "realnews"


def _gold(file: str, start: int, end: int, label: str, other: list[str] | None = None,
          sourcing: bool = False) -> dict:
    return {"file": file, "start": start, "end": end, "text": "", "label": label, "other": other or [],
            "detail": "", "sourcing_added": sourcing, "confidence": "high"}


def test_split_is_fixed_and_disjoint() -> None:
    assert TUNE == ["baltimore-bridge-collapse", "crowdstrike-outage", "myanmar-earthquake", "oval-office-clash"]
    assert sorted(TUNE + REPORT) == sorted(STORIES) and not set(TUNE) & set(REPORT)


def test_scorer_counts_a_constructed_conflict_and_a_false_alarm() -> None:
    gold = [_gold("a", 0, 40, "contradicted", ["b"]), _gold("b", 0, 30, "contradicted", ["a"]),
            _gold("a", 41, 80, "carried", ["b"]), _gold("b", 31, 60, "carried", ["a"]),
            _gold("a", 81, 120, "not_carried", sourcing=True), _gold("a", -1, -1, "no_claim")]
    ours = [  # "a" split 0-40 as 0-15 + 15-45: the gold span counts for the sentence covering most of it
        Ours("a", 0, 0, 15, "unsupported"), Ours("a", 1, 15, 45, "contradicted", contradicted_by=("b",)),
        Ours("a", 2, 45, 80, "supported", supported_by=("b",)), Ours("a", 3, 81, 120, "supported", ("b",)),
        Ours("a", -1, -1, -1, "contradicted", contradicted_by=("b",)),  # a headline flagged: a false alarm
        Ours("b", 0, 0, 30, "unsupported"), Ours("b", 1, 31, 60, "unsupported"),
    ]
    sc = score_story(gold, ours).figures()
    assert (sc["flagged"], sc["flagged_right"]) == (2, 1)
    assert (sc["contradicted"], sc["contradicted_found"]) == (2, 1)
    assert (sc["carried"], sc["carried_tpr"], sc["not_carried"], sc["carried_tnr"]) == (2, 0.5, 1, 0.0)
    assert (sc["sourcing_added"], sc["sourcing_flagged"]) == (1, 0)


def test_network_only_lines_count_sources() -> None:
    gold = [_gold("x", 0, 10, "carried", ["y"]), _gold("x", 11, 20, "carried", ["y", "z"])]
    ours = [Ours("x", 0, 0, 10, "supported", ("y",), independent_sources=0),
            Ours("x", 1, 11, 20, "supported", ("y", "z"), independent_sources=1)]
    sc = score_story(gold, ours, {"wire": ["x", "y"]}).figures()
    assert (sc["network_lines"], sc["network_lines_one_source"]) == (1, 1)  # the second has z outside the network


def test_a_story_folder_names_its_networks_in_families_json(tmp_path: Path) -> None:
    assert read_families(tmp_path) is None  # no file: no networks, no network-only lines
    (tmp_path / "families.json").write_text('{"wire": ["copy-a", "copy-b"], "agency": ["rewrite"]}')
    fams = read_families(tmp_path)
    assert fams == {"wire": ["wire", "copy-a", "copy-b"], "agency": ["agency", "rewrite"]}  # the original too
    gold = [_gold("copy-a", 0, 10, "carried", ["wire"]), _gold("rewrite", 0, 10, "carried", ["agency"]),
            _gold("copy-b", 0, 10, "carried", ["rewrite"])]  # carried across two networks: not counted
    ours = [Ours("copy-a", 0, 0, 10, "unsupported", ("wire",), independent_sources=0),
            Ours("rewrite", 0, 0, 10, "supported", ("agency", "copy-b"), independent_sources=1),
            Ours("copy-b", 0, 0, 10, "supported", ("rewrite",), independent_sources=1)]
    sc = score_story(gold, ours, fams).figures()
    assert (sc["network_lines"], sc["network_lines_one_source"], sc["network_lines_mean_sources"]) == (2, 1, 1.5)
    (tmp_path / "families.json").write_text('["wire", "copy-a"]')
    with pytest.raises(SystemExit):
        read_families(tmp_path)


def test_a_story_folder_s_families_json_is_not_read_as_an_article(tmp_path: Path) -> None:
    import json

    for name, text in (("wire", "Gales closed the Skerrow ferry crossing on Monday. Boats stayed in Port Elland."),
                       ("copy", "Gales closed the Skerrow ferry crossing on Monday. The harbour master spoke.")):
        (tmp_path / f"{name}.json").write_text(json.dumps({"outlet": name, "text": text}))
    (tmp_path / "families.json").write_text('{"wire": ["copy"]}')
    ours, _, _ = run_story(tmp_path)
    assert {o.file for o in ours} == {"wire", "copy"}


def test_gold_as_ours_scores_perfectly_on_a_real_story() -> None:
    folder = REAL / "oval-office-clash"
    if not (folder / "labels.jsonl").exists():
        pytest.skip(f"{folder} not found (the shared/ folder is absent)")
    labels = read_labels(folder)
    files = {Path(f).stem for f in folder.glob("*.json")}
    assert {g["file"] for g in labels} <= files
    assert {f for fam in FAMILIES["oval-office-clash"].values() for f in fam} <= files
    ours = [Ours(g["file"], i, g["start"], g["end"], "supported" if g["label"] == "carried" else "unsupported",
                 supported_by=tuple(g["other"]) if g["label"] == "carried" else (),
                 contradicted_by=tuple(g["other"]) if g["label"] == "contradicted" else ())
            for i, g in enumerate(labels)]
    sc = score_story(labels, ours).figures()
    assert sc["contradicted"] > 10 and sc["contradiction_precision"] == 1.0 and sc["contradiction_recall"] == 1.0
    assert sc["carried_balanced_accuracy"] == 1.0 and sc["gold_unmatched"] == 0
    wrong = next(o for o, g in zip(ours, labels, strict=True) if g["label"] == "carried")
    wrong.contradicted_by = ("the-journal",)
    assert score_story(labels, ours).figures()["flagged"] == sc["flagged"] + 1
