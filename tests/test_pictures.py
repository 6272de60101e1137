"""Story pictures (claim timeline, family trees as inline SVG) and the claim × outlet CSV:
in the HTML report, on the web story page in real Chromium, from the CLI and the web route."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
from conftest import EXAMPLES, serve
from hypothesis import given
from hypothesis import strategies as hs

from storycheck import add, open_store
from storycheck._pipeline import compare_document
from storycheck.report import matrix_csv, render_html, story_html
from storycheck.report._svg import (
    MARK_W,
    MAX_TIMELINE_ROWS,
    MAX_TREE_NODES,
    _legend_items,
    family_colours,
    family_tree_svg,
    spread,
    timeline_svg,
)

EXE = Path(sys.executable).with_name("storycheck")
HOSTILE = "<script>alert(1)</script> \"quoted\" & 'single' <b>"


@pytest.fixture(scope="module")
def doc():
    return compare_document([EXAMPLES])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pictures") / "s.db"
    with open_store(path) as st:
        add([EXAMPLES], store=st)
        sid = st.list_stories(limit=1)[0]["id"]
    return path, sid


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def test_report_has_both_pictures_with_alt_text_and_one_row_per_claim(doc):
    page = render_html(doc)
    svgs = _svgs(page)
    assert len(svgs) == 2
    timeline, tree = svgs
    for svg in svgs:
        assert "<title>" in svg and "aria-label=" in svg and "role='img'" in svg
        assert "<script" not in svg and "href" not in svg  # no script, no external asset
    claims = doc["story"]["claims"]
    assert 0 < len(claims) <= MAX_TIMELINE_ROWS
    for c in claims:  # one labelled row per claim
        assert timeline.count(f"<tspan font-weight='600'>{c['id']}</tspan>") == 1
    marks = sum(1 for c in claims for cell in c["cells"].values() if cell != "silent")
    legend = len(_legend_items(doc["story"], family_colours(doc["story"])))
    assert timeline.count("<circle") + timeline.count("<g stroke='#c00000'") == marks + legend
    assert "contradicts" in timeline  # the sample story has contradicted claims, drawn as crosses
    for f in doc["story"]["families"]:
        if len(f["members"]) > 1:
            assert tree.count("<rect") >= len(f["members"]) and all(
                ", ".join(c["changes"]) in tree for c in f["copies"] if c["changes"])
    assert "timeline as a table" in page and "family trees as a table" in page


def test_hostile_article_text_is_escaped_in_the_svg(doc):
    st = copy.deepcopy(doc["story"])
    st["outlets"] = {a: HOSTILE + n for a, n in st["outlets"].items()}
    for c in st["claims"]:
        c["id"] = HOSTILE
        c["text"] = HOSTILE + c["text"]
    for f in st["families"]:
        for c in f["copies"]:
            c["changes"] = [HOSTILE]
    svgs = [timeline_svg(st), family_tree_svg(st)]
    assert all(svgs)
    for svg in svgs:
        assert "<script" not in svg and "<b>" not in svg and '"quoted"' not in svg and "'single'" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "&amp;" in svg and "&quot;quoted&quot;" in svg
        assert "& " not in svg  # no bare ampersand anywhere
    page = "\n".join(story_html(st))
    assert "<script" not in page


def _story(n: int, claims: int) -> dict:
    """A synthetic story of ``n`` articles in one copy chain family, ``claims`` claims."""
    ids = [f"a{i:02d}" for i in range(n)]
    cells = {a: ("contradicts" if i % 7 == 3 else "carries" if i % 2 else "silent") for i, a in enumerate(ids)}
    trail = [{"article": a, "outlet": f"Outlet {a}", "published": None if i % 10 == 9 else f"2026-03-{1 + i % 20:02d}",
              "sentence": 0, "text": "x", "changes": []} for i, a in enumerate(ids)]
    return {
        "id": "s", "outlets": {a: f"The Very Long Regional Outlet Name Number {a}" for a in ids},
        "families": [{"id": "f", "original": ids[0], "basis": "earliest", "members": ids, "outlets": [],
                      "copies": [{"copy": a, "parent": ids[max(0, i - 1 - i % 3)], "changes": ["spun", "extended"]}
                                 for i, a in enumerate(ids) if i]}],
        "claims": [{"id": f"c{k}", "text": f"Claim number {k} " * 5, "cells": cells, "trail": trail,
                    "independent_sources": 1, "first_outlet": None, "first_day": None} for k in range(claims)],
        "duplicates": [],
    }


def test_fifty_articles_are_capped_and_said():
    st = _story(50, 45)
    timeline, tree = timeline_svg(st), family_tree_svg(st)
    assert timeline.count("<tspan font-weight='600'>") == MAX_TIMELINE_ROWS
    assert f"+{45 - MAX_TIMELINE_ROWS} more claim(s)" in timeline and "undated" in timeline
    assert tree.count("<rect") == MAX_TREE_NODES and f"+{50 - MAX_TREE_NODES} more" in tree
    # on every drawn edge: its label, the label's <title> and the node's <title>
    assert tree.count("spun, extended") == 3 * (MAX_TREE_NODES - 1)
    assert int(re.search(r"viewBox='0 0 (\d+)", tree)[1]) <= 1100  # a 40-deep chain stays about page wide


def _marks(svg: str) -> list[tuple[float, float, str]]:
    """(x, y, tooltip) of every article mark of a timeline (dots and crosses; the legend's are left out)."""
    dots = [(float(x), float(y), tip) for x, y, tip in
            re.findall(r"<circle cx='([\d.]+)' cy='([\d.]+)' r='5'[^>]*><title>([^<]*)</title>", svg)]
    crosses = [(float(x) + 5, float(y) + 5, tip) for tip, x, y in
               re.findall(r"<g stroke='#c00000'[^>]*><title>([^<]*)</title><line x1='([\d.]+)' y1='([\d.]+)'", svg)]
    return [m for m in dots + crosses if " · " in m[2]]


def _apart(marks: list[tuple[float, float, str]]) -> float:
    """The smallest distance between the centres of two marks."""
    return min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for a, b in combinations(marks, 2))


def _one_claim(published: list[str | None], contradicting: int = 0) -> dict:
    """A story of one claim carried by one article per ``published`` entry (all independent),
    the first ``contradicting`` of them contradicting it."""
    ids = [f"a{i:02d}" for i in range(len(published))]
    trail = [{"article": a, "outlet": f"Outlet {a}", "published": p, "sentence": 0, "text": "x", "changes": []}
             for a, p in zip(ids, published, strict=True)]
    return {
        "id": "s", "outlets": {a: f"Outlet {a}" for a in ids},
        "families": [{"id": a, "original": a, "basis": "alone", "members": [a], "outlets": [], "copies": []}
                     for a in ids],
        "claims": [{"id": "c1", "text": "The train derailed.", "trail": trail, "independent_sources": len(ids),
                    "cells": {a: "contradicts" if i < contradicting else "carries" for i, a in enumerate(ids)},
                    "first_outlet": None, "first_day": None}],
        "duplicates": [],
    }


def test_carriers_of_one_day_are_each_drawn_apart_and_counted():
    st = _one_claim(["2026-05-11"] * 6, contradicting=2)
    svg = timeline_svg(st)
    marks = _marks(svg)
    assert len(marks) == 6 and {tip.split(" · ")[0] for _, _, tip in marks} == set(st["outlets"].values())
    assert _apart(marks) >= MARK_W - 0.05  # every carrier visible and countable (a mark is 10 units wide)
    assert "<title>6 articles published 2026-05-11 00:00</title>" in svg  # the cluster's tooltip
    assert re.search(r"font-size='10' fill='#555'[^>]*>6</text>", svg)  # and its count
    width = int(re.search(r"viewBox='0 0 (\d+)", svg)[1])
    assert all(0 < x < width for x, _, _ in marks)


def test_carriers_minutes_apart_on_a_long_axis_keep_their_order():
    early = [f"2026-05-11T09:{m:02d}:00Z" for m in range(0, 40, 5)]  # 8 articles within 35 minutes
    st = _one_claim([*early, "2026-05-25T09:00:00Z"])
    marks = _marks(timeline_svg(st))
    assert len(marks) == 9 and _apart(marks) >= MARK_W - 0.05
    by_outlet = {tip.split(" · ")[0]: x for x, _, tip in marks}
    xs = [by_outlet[f"Outlet a{i:02d}"] for i in range(9)]
    assert xs == sorted(xs)  # spread out, still in publication order
    assert xs[-1] - xs[-2] > 300  # the late article stays where its time puts it


def test_undated_carriers_are_each_drawn_apart_in_their_column():
    st = _one_claim(["2026-05-11T09:00:00Z"] + [None] * 8)
    svg = timeline_svg(st)
    undated = [m for m in _marks(svg) if m[2].endswith("undated · carries")]
    assert len(undated) == 8 and _apart(undated) >= MARK_W - 0.05
    col = re.search(r"<rect x='([\d.]+)' y='[\d.]+' width='([\d.]+)'[^>]*fill='#f4f4f4'", svg)
    left, right = float(col[1]), float(col[1]) + float(col[2])
    assert all(left + 5 <= x <= right - 5 for x, _, _ in undated)  # whole marks inside the grey column


def test_fifty_carriers_at_one_time_all_show():
    marks = _marks(timeline_svg(_one_claim(["2026-05-11T09:00:00Z"] * 50, contradicting=10)))
    assert len(marks) == 50 and _apart(marks) >= MARK_W - 0.05


@given(hs.lists(hs.floats(min_value=0, max_value=600), min_size=1, max_size=50))
def test_spread_keeps_marks_apart_in_order_and_inside(ideal):
    placed = [p for cluster in spread(ideal, 0.0, 600.0) for p in cluster]
    assert sorted(i for i, _ in placed) == list(range(len(ideal)))
    xs = [x for _, x in placed]
    assert all(-1e-6 <= x <= 600 + 1e-6 for x in xs)
    assert all(b - a >= MARK_W - 1e-6 for a, b in zip(xs, xs[1:], strict=False))  # left to right, apart
    assert [ideal[i] for i, _ in placed] == sorted(ideal)  # order of time kept
    for cluster in spread(ideal, 0.0, 600.0):
        if len(cluster) == 1:  # a mark with room stays at its time
            assert cluster[0][1] == pytest.approx(ideal[cluster[0][0]])


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _matches_matrix(rows: list[list[str]], story: dict) -> None:
    head, body = rows[0], rows[1:]
    assert head[:5] == ["claim", "text", "independent_sources", "first_reporter", "first_day"]
    assert head[5:] == list(story["outlets"].values())
    assert len(body) == len(story["claims"])
    for row, c in zip(body, story["claims"], strict=True):
        assert row[0] == c["id"] and row[1] == c["text"] and int(row[2]) == c["independent_sources"]
        assert row[3] == (c["first_outlet"] or "unknown") and row[4] == (c["first_day"] or "")
        assert row[5:] == [c["cells"][a] for a in story["outlets"]]


def test_csv_from_the_cli_matches_the_json_matrix(db, tmp_path):
    path, sid = db
    out = tmp_path / "m.csv"
    r = subprocess.run([str(EXE), "story", sid, "--db", str(path), "--json", "--csv", str(out)],
                       capture_output=True, text=True, env={**os.environ}, timeout=300)
    assert r.returncode == 0, r.stderr
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 without BOM, RFC 4180 line ends
    _matches_matrix(_rows(raw.decode("utf-8")), json.loads(r.stdout)["story"])
    bad = subprocess.run([str(EXE), "story", sid, "--db", str(path), "--csv", str(tmp_path / "no" / "m.csv")],
                         capture_output=True, text=True, env={**os.environ}, timeout=300)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "m.csv" in bad.stderr


def test_csv_from_the_web_route_matches_the_json_matrix(db):
    fastapi = pytest.importorskip("fastapi")  # noqa: F841
    from fastapi.testclient import TestClient

    from storycheck.web import WebOptions, create_app

    path, sid = db
    client = TestClient(create_app(WebOptions(db=str(path))))
    r = client.get(f"/stories/{sid}/matrix.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="{sid}-matrix.csv"'
    _matches_matrix(_rows(r.content.decode("utf-8")), client.get(f"/api/stories/{sid}").json()["story"])
    page = client.get(f"/stories/{sid}").text
    assert f'href="/stories/{sid}/matrix.csv"' in page and len(_svgs(page)) == 2
    assert client.get("/stories/nope/matrix.csv").status_code == 404


def test_formula_cells_are_defused(doc):
    st = copy.deepcopy(doc["story"])
    for c, start in zip(st["claims"], ["=1+1", "+cmd", "-2", "@SUM(A1)", "plain"], strict=False):
        c["text"] = start
    first = next(iter(st["outlets"]))
    st["outlets"][first] = "=HYPERLINK(\"x\")"
    rows = _rows(matrix_csv(st))
    assert [r[1] for r in rows[1:5]] == ["'=1+1", "'+cmd", "'-2", "'@SUM(A1)"] and rows[5][1] == "plain"
    assert rows[0][5] == "'=HYPERLINK(\"x\")"


def test_story_page_with_pictures_in_chromium(browser, db):
    path, sid = db
    gen = serve(path)
    url = next(gen)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/stories/{sid}")
        page.wait_for_selector("figure.pic svg")
        assert page.locator("figure.pic svg").count() == 2
        box = page.locator("figure.pic svg").first.bounding_box()
        assert box is not None and box["height"] > 100  # drawn, not collapsed
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        narrow = browser.new_page(viewport={"width": 400, "height": 800})
        narrow.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        narrow.goto(f"{url}/stories/{sid}")
        # the pictures shrink with a phone-wide window (other page parts are not this test's business)
        rights = narrow.evaluate("[...document.querySelectorAll('figure.pic svg')].map(e => "
                                 "e.getBoundingClientRect().right)")
        assert len(rights) == 2 and max(rights) <= 400
        assert not errors, errors
    finally:
        next(gen, None)
