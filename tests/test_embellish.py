"""Embellishment: a carried sentence whose added source, quote or detail no carrier gives is
never plain `supported`, and the part nobody carries is named (`uncarried`)."""

import io

from rich.console import Console

from storycheck import Article, compare
from storycheck.report import render_html, render_terminal, to_json_dict
from storycheck.report._style import sourcing_lines
from storycheck.verify._embellish import _foreign_sources, _witness

CORE = "The council will close the old river bridge for six weeks of repairs starting on Monday."
FILLER = ["Fuel prices in the region rose for a third month in a row.",
          "A storm closed two ports on the northern coast overnight.",
          "The central bank left its main interest rate unchanged.",
          "Farmers reported an early harvest across the southern plains."]


def _story(claim: str, carriers: list[str]) -> list[Article]:
    arts = [Article(id=f"c{i}", outlet=f"Carrier {i}", published=f"2026-01-0{i + 1}", text=f"{text} {FILLER[i]}")
            for i, text in enumerate(carriers)]
    return [*arts, Article(id="claim", outlet="Embellisher", published="2026-01-09",
                           text=f"{claim} Officials gave no timetable for a decision.")]


def test_an_added_source_no_carrier_gives_is_named_and_not_supported():
    claim = "The council will close the old river bridge for six weeks of repairs starting on Monday, the Valley Courier reported."
    *carriers, art = compare(_story(claim, [CORE, CORE]))
    s = art.sentences[0]
    assert set(s.supported_by) == {"c0", "c1"}  # the core is carried ...
    assert s.verdict == "unsupported"  # ... but not the source
    assert [(u.kind, u.text) for u in s.uncarried] == [("source", "Valley Courier reported")]
    # the carriers themselves add nothing: plain supported, nothing named
    assert carriers[0].sentences[0].verdict == "supported" and carriers[0].sentences[0].uncarried == []
    doc = to_json_dict([art])["articles"][0]["sentences"][0]
    assert doc["uncarried"] == [{"kind": "source", "text": "Valley Courier reported"}]
    assert any(line.startswith("embellished:") and "Valley Courier" in line for line in sourcing_lines(doc, {}))
    # shown in the HTML report (the web article page uses the same lines) and in the terminal
    assert "embellished: carried, but no carrier gives source" in render_html([*carriers, art])
    out = io.StringIO()
    render_terminal([*carriers, art], Console(file=out, width=200, color_system=None))
    assert "embellished:" in out.getvalue()


def test_a_source_one_carrier_cites_is_carried():
    claim = "The council will close the old river bridge for six weeks of repairs starting on Monday, the Valley Courier reported."
    cited = "The old river bridge will close for six weeks of repairs from Monday, according to the Valley Courier."
    *_, art = compare(_story(claim, [CORE, cited]))
    s = art.sentences[0]
    assert s.uncarried == [] and s.verdict == "supported"


def test_a_figure_nobody_else_gives_is_named():
    claim = "The council will close the old river bridge for six weeks of repairs starting on Monday at a cost of $4.2 million."
    *_, art = compare(_story(claim, [CORE, CORE]))
    s = art.sentences[0]
    assert s.supported_by and s.verdict != "supported"
    assert ("number", "$4.2 million") in [(u.kind, u.text) for u in s.uncarried]


def test_an_uncarried_sentence_names_nothing():
    *_, art = compare(_story(CORE, [CORE, CORE]))
    tail = art.sentences[1]  # "Officials gave no timetable": nobody carries it, so nothing is an addition
    assert not tail.supported_by and tail.uncarried == []


def test_sources_cited_in_other_languages():
    assert _foreign_sources("Согласно сообщению телеканала Harbor News, мост закрыт.", "ru") == ["Harbor News"]
    assert _foreign_sources("Die Zahl wachse weiter, heißt es bei Tamsin.", "de") == ["Tamsin"]
    assert _foreign_sources("Laut Polizei ist die Brücke gesperrt.", "de") == []  # a sourcing noun, not a name
    assert _foreign_sources("A Valley Courier szerint a hidat lezárták.", "hu") == ["Valley Courier"]
    assert _witness("A szemtanúk szerint a hidat lezárták.", "hu") == "szemtanúk"
    assert _witness("Er wurde Zeuge des Einsturzes, schrieb die Zeitung.", "de") is None
