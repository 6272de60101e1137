"""Conflicts without a typed slot (verify/_untyped.py): the bundled 3-way entailment model reads
aligned near pairs whose difference is one of polarity or of a quantity or reversal word; a
confident conflict goes into `contradicted_by` (type `claim`), a less certain one into
`possible_conflicts`, which never makes a sentence `contradicted`. The whole installed pipeline runs
on our own fictional articles, written to files."""

import io
import json
from pathlib import Path

from rich.console import Console

from storycheck import compare
from storycheck._pipeline import compare_document
from storycheck._types import Sentence
from storycheck.analyze import analyze_sentence
from storycheck.report import render_html, render_terminal, to_json_dict
from storycheck.report._style import sourcing_lines
from storycheck.verify._untyped import has_cue, near_pair


def _write(folder: Path, name: str, title: str, text: str, day: int) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"title": title, "outlet": f"The {name.title()} Post",
                                "published": f"2026-03-0{day}", "text": text}), encoding="utf-8")
    return path


def _sentence(text: str) -> Sentence:
    return Sentence(0, 0, len(text), text, facts=analyze_sentence(text, "en"))


def test_nobody_survived_against_one_survivor_is_a_claim_conflict(tmp_path):
    a = _write(tmp_path, "ridge", "Cargo plane lost near Brackwell",
               "Nobody survived when the cargo plane came down near Brackwell airfield. "
               "Investigators recovered both flight recorders from the field. "
               "The airfield stayed closed for two days.", 1)
    b = _write(tmp_path, "valley", "Survivor found after Brackwell crash",
               "One person survived when the cargo plane came down near Brackwell airfield. "
               "The airline has not said what went wrong. "
               "Fire crews from three towns were called to the scene.", 2)
    first, second = compare([a, b])
    s = first.sentences[0]
    assert s.contradicted_by == [second.id] and s.verdict == "contradicted"
    assert s.contradiction is not None and s.contradiction.type == "claim"
    assert s.contradiction.claim_span == "Nobody" and s.contradiction.evidence_span == "One person"
    assert s.possible_conflicts == []
    assert second.sentences[0].contradicted_by == [first.id]
    doc = to_json_dict([first, second])["articles"][0]["sentences"][0]
    assert doc["contradiction"]["type"] == "claim" and doc["possible_conflicts"] == []
    # the sentences that agree or say something else are left alone
    assert all(not x.contradicted_by and not x.possible_conflicts for x in first.sentences[1:])


def test_keep_against_stop_is_a_possible_conflict_not_a_verdict(tmp_path):
    a = _write(tmp_path, "harbour", "Ferry keeps its money",
               "The Halvern council will keep funding the night ferry to Merrow island. "
               "Councillors argued for three hours before the vote. "
               "The ferry carries about four hundred passengers a week.", 1)
    b = _write(tmp_path, "island", "Council ends ferry money",
               "The Halvern council will stop funding the night ferry to Merrow island. "
               "The harbour master declined to comment on the decision. "
               "Islanders say the ferry is their only link at night.", 2)
    first, second = arts = compare([a, b])
    s = first.sentences[0]
    assert s.contradicted_by == [] and s.verdict != "contradicted"
    [c] = s.possible_conflicts
    assert c.article == second.id and c.sentence == 0 and 0.5 <= c.probability < 0.8
    assert c.text == second.sentences[0].text
    doc = to_json_dict(arts)["articles"][0]["sentences"][0]
    assert doc["possible_conflicts"] == [{"article": second.id, "sentence": 0, "probability": c.probability,
                                          "text": c.text}]
    assert any(line.startswith("possible conflict") and "stop funding" in line for line in sourcing_lines(doc, {}))
    # shown in the HTML report (the web article page uses the same lines) and in the terminal
    assert "possible conflict" in render_html(arts)
    out = io.StringIO()
    render_terminal(arts, Console(file=out, width=220, color_system=None))
    assert "possible conflict" in out.getvalue()


def test_two_ways_of_saying_no_one_are_no_conflict(tmp_path):
    # the model alone reads these two as contradicting (P ~0.97): both say "no", so the pair is not read
    a = _write(tmp_path, "coast", "Tunnel shut by storm",
               "No one was hurt when the storm closed the Brackwell tunnel for six hours. "
               "Engineers checked the lining overnight. Trains ran again by the morning.", 1)
    b = _write(tmp_path, "county", "Storm closes tunnel",
               "Nobody was hurt when the storm closed the Brackwell tunnel for six hours. "
               "Drivers were sent along the coast road. The county will review its flood plans.", 2)
    first, second = compare([a, b])
    for art in (first, second):
        s = art.sentences[0]
        assert s.contradicted_by == [] and s.possible_conflicts == [] and s.verdict == "supported"


def test_the_guards():
    nobody = _sentence("Nobody survived when the cargo plane came down near Brackwell airfield.")
    one = _sentence("One person survived when the cargo plane came down near Brackwell airfield.")
    no_one = _sentence("No one survived when the cargo plane came down near Brackwell airfield.")
    other = _sentence("The airline has not said what went wrong with the cargo plane.")
    assert near_pair(nobody, one) and has_cue(nobody, one)
    assert near_pair(nobody, no_one) and not has_cue(nobody, no_one)  # both say no
    assert not near_pair(nobody, other)  # two different claims: the model is not asked
    assert not near_pair(nobody, nobody)  # the same text


def test_a_spun_copy_is_no_possible_conflict_of_its_own_family():
    # examples/merrow-bridge: a spun copy turns "decided to keep quiet" into "chose to say nothing";
    # the model reads that pair as a possible conflict (~0.56), but inside one copy family rewording is free
    folder = Path(__file__).resolve().parents[1] / "examples" / "merrow-bridge"
    doc = compare_document([folder])
    family = {m: f["id"] for f in doc["story"]["families"] for m in f["members"]}
    pairs = [(a["id"], c["article"]) for a in doc["articles"] for s in a["sentences"] for c in s["possible_conflicts"]]
    assert all(family.get(x) is None or family.get(x) != family.get(y) for x, y in pairs)
    assert not any("say nothing" in c["text"] for a in doc["articles"] for s in a["sentences"]
                   for c in s["possible_conflicts"])
