"""The story view on real-size coverage: claims that cannot chain, no site furniture as
sentences, first reporter by day, and a 30-article story that stays readable."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES, serve

from storycheck import Article, compare, open_store
from storycheck._pipeline import story_document
from storycheck.report import render_html, render_terminal
from storycheck.segment import content_sentences, is_furniture
from storycheck.story import build_story
from storycheck.story._claims import average_link

PAGES = Path(__file__).parent / "pages_furniture"
FURNITURE = ["Recommended Articles", "date 2026-05-11 403", "By Mara Quill", "Photo: Tom Reyes/Harbor Times",
             "Share this story", "Get the Harbor Times morning briefing", "5 min read", "Updated: 3 hours ago",
             "Read more", "Tags: fire", "All rights reserved"]


@pytest.mark.parametrize("line", ["Recommended Articles", "date 2025-12-07 403", "Read more", "Share this",
                                  "By Jane Doe, Staff Writer", "Photo: Jane Doe/Harbor Times", "Updated: 3 hours ago",
                                  "5 min read", "403 views", "December 7, 2025", "Sign up for our free newsletter",
                                  "We use cookies to improve your experience.", "Tags: fire, Larkspur",
                                  "Home > News > Local", "© 2026 Harbor Times"])
def test_furniture_lines_are_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["By Tuesday the river had risen.", "Posted guards at the gate numbered 12.",
                                  "The fire started at 2 am.", "The news broke on Tuesday.",
                                  "Read more about the fire in our live blog, which we update hourly."])
def test_reporting_is_not_furniture(line):
    assert not is_furniture(line)


def test_a_furniture_line_never_joins_its_neighbour():
    text = "The warehouse burned for six hours\nRecommended Articles\nShare this"
    assert [t for _, _, t in content_sentences(text)] == ["The warehouse burned for six hours"]


@pytest.fixture(scope="module")
def furniture_doc():
    return story_document(compare([PAGES]))


def test_furniture_never_becomes_a_sentence_or_claim(furniture_doc, capsys):
    texts = [s["text"] for a in furniture_doc["articles"] for s in a["sentences"]]
    texts += [c["text"] for c in furniture_doc["story"]["claims"]]
    texts += [v["text"] for c in furniture_doc["story"]["claims"] for v in c["trail"]]
    texts += [p["text"] for p in furniture_doc["story"]["copied_passages"]]
    assert not [t for t in texts if any(f.lower() in t.lower() for f in FURNITURE)]
    assert any(t.startswith("By Tuesday morning the smouldering ruins") for t in texts)  # reporting stays
    render_terminal(furniture_doc)
    out = capsys.readouterr().out
    assert not [f for f in FURNITURE if f in out]


def test_first_reporter_by_day(furniture_doc):
    st = furniture_doc["story"]
    fire = next(c for c in st["claims"] if "grain warehouse" in c["text"] and c["carried_by"] == 3)
    # two carriers on 2026-05-11 with only a date, nothing orders them: the day and both outlets, first unknown
    assert fire["first_reporter"] == "unknown" and fire["first_day"] == "2026-05-11"
    assert sorted(fire["first_day_outlets"]) == ["Elsey Post", "Harbor Times"]
    reopened = next(c for c in st["claims"] if "smouldering" in c["text"])
    assert reopened["first_reporter"] != "unknown" and reopened["first_day"] == "2026-05-12"
    page = render_html(furniture_doc)
    assert "2026-05-11: " in page and "(order within the day unknown)" in page


def test_average_link_does_not_chain():
    # a chain a-b-c-d of strong neighbours, nothing between the ends: no group of four
    items = [("a", 0), ("b", 0), ("c", 0), ("d", 0)]
    w = {(items[0], items[1]): 0.9, (items[1], items[2]): 0.9, (items[2], items[3]): 0.9}
    groups = average_link(items, w, 0.5)
    assert max(len(g) for g in groups) <= 2
    # a true claim: every pair carries the others
    full = {(x, y): 0.8 for i, x in enumerate(items) for y in items[i + 1:]}
    assert average_link(items, full, 0.5) == [items]


def test_claims_keep_apart_what_the_judgement_keeps_apart(example_result):
    """No claim holds two sentences whose mean tie to the rest of the claim is below the cut."""
    from storycheck.story._claims import MERGE_SCORE, pair_weights

    arts = list(example_result.values())
    w = pair_weights(arts)
    for c in build_story(arts).claims:
        keys = [(v.article, v.sentence) for v in c.versions]
        if len(keys) < 2:
            continue
        for k in keys:
            ties = [w.get((k, o) if k < o else (o, k), 0.0) for o in keys if o != k]
            assert max(ties) > 0, (c.text, k)  # every member is linked to some other member
        pairs = [(x, y) for i, x in enumerate(keys) for y in keys[i + 1:]]
        mean = sum(w.get((x, y) if x < y else (y, x), 0.0) for x, y in pairs) / len(pairs)
        assert mean >= MERGE_SCORE - 1e-9, c.text


def _thirty_articles() -> list[Article]:
    """30 articles of our sample story: each a different subset of its sentences, from an
    outlet with a long name, so the matrix is wide and the claims many."""
    from storycheck.ingest import read_paths

    pool = sorted({s for a in read_paths([EXAMPLES]) for s in a.text.split("\n") if len(s.split()) > 6})
    rng = random.Random(7)
    out = []
    for i in range(30):
        picked = rng.sample(pool, 7)
        own = f"The Evening Chronicle of District {i + 1} will publish reader letters about the bridge on page {i + 3}."
        out.append(Article(id=f"wide-{i:02d}", text="\n".join([own, *picked]), title=f"Bridge story {i + 1}",
                           outlet=f"The Greater Larkspur Evening Chronicle and Advertiser No. {i + 1}",
                           published=f"2026-03-{3 + i % 4:02d}"))
    return out


@pytest.fixture(scope="module")
def wide_db(tmp_path_factory):
    from storycheck import add

    path = tmp_path_factory.mktemp("wide") / "s.db"
    with open_store(path) as st:
        add(_thirty_articles(), store=st)
    return path


def _no_page_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page body is {width}px wide"
    box = page.evaluate("(() => { const m = document.querySelector('.mx'); return [m.scrollWidth, m.clientWidth]; })()")
    assert box[0] >= box[1]  # the matrix scrolls in its own box when it must


def test_thirty_article_story_renders_without_overflow(browser, wide_db, tmp_path):
    with open_store(wide_db) as st:
        stories = st.list_stories(limit=5)
    assert stories and stories[0]["size"] == 30
    gen = serve(wide_db)
    url = next(gen)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/stories/{stories[0]['id']}")
        page.wait_for_selector("table.m")
        _no_page_overflow(page)
        assert page.locator("th.fg").count() >= 1  # columns grouped by family
        assert len(re.findall(r"\+\d+ more", page.goto(url + "/").text())) >= 1  # outlet list shortened
    finally:
        next(gen, None)
    with open_store(wide_db) as st:
        from storycheck._pipeline import check_stored_story

        doc = check_stored_story(st, stories[0]["id"])
    out = tmp_path / "r.html"
    out.write_text(render_html(doc), "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(out.as_uri())
    _no_page_overflow(page)


def test_a_sentence_with_two_claims_is_split_by_its_clauses():
    arts = [
        Article(id="a", outlet="Corvey Courier", published="2026-04-02", title="Fire at Corvey plant",
                text="A fire broke out at the Corvey paint plant at 2 am on Tuesday, and twelve workers were taken to "
                     "hospital with smoke injuries.\nThe plant will stay closed this week."),
        Article(id="b", outlet="Northline News", published="2026-04-02", title="Blaze at paint plant",
                text="The blaze started at the Corvey paint plant at 2 am on Tuesday.\nTwelve workers were taken to "
                     "hospital with smoke injuries, officials said.\nThe plant will stay closed for the rest of the week."),
        Article(id="c", outlet="Valley Post", published="2026-04-03", title="Corvey fire",
                text="Firefighters said the fire at the Corvey paint plant began at 2 am on Tuesday.\nOfficials said "
                     "twelve workers needed hospital treatment for smoke injuries.\nInvestigators are looking at the "
                     "plant's drying ovens."),
    ]
    claims = build_story(compare(arts)).claims
    fire = next(c for c in claims if any("blaze started" in v.text for v in c.versions))
    hurt = next(c for c in claims if any(v.text.startswith("Twelve workers were taken") for v in c.versions))
    assert fire is not hurt
    assert fire.cells["a"] == "carries" and hurt.cells["a"] == "carries"  # one sentence, two claims
    part = next(v for v in hurt.versions if v.article == "a")
    assert part.text.startswith("twelve workers were taken") and "Tuesday" not in part.text
    assert all(len([v for v in c.versions if v.article == "a"]) <= 1 for c in claims)


def test_an_article_split_again_without_furniture_keeps_language_and_facts():
    from storycheck import run_stages

    text = ("Recommended Articles\nDie Stadt Larkspur hat die Merrow-Brücke am Dienstag gesperrt, nachdem Prüfer "
            "14 Risse gefunden hatten.\nBürgermeisterin Elena Ruiz sagte, die Sperrung werde mindestens sechs Wochen "
            "dauern.")
    arts = run_stages([Article(id="de", text=text, outlet="Larkspur Zeitung"),
                       Article(id="en", text="The city of Larkspur closed the Merrow Bridge on Tuesday after "
                                             "inspectors found 14 cracks.", outlet="Coastline Wire")])
    de = arts[0]
    assert [s.index for s in de.sentences] == [0, 1] and "Recommended" not in de.sentences[0].text
    assert de.language == "de" and all(s.facts is not None for s in de.sentences)
    assert any(q.value == 14 for q in de.sentences[0].facts.quantities)
