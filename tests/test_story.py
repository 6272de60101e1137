"""Copy families, independent sources, claims, first reporters, mutation trails (compare and store)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, find

from storycheck import Article, add, compare, open_store
from storycheck._pipeline import check_stored_story, story_document
from storycheck._time import first_of, surely_before
from storycheck.story import build_story, find_families

DATA = Path(__file__).parent / "data"
EXE = Path(sys.executable).with_name("storycheck")
COPIES = {"Patriot Pulse Network", "Freedom Beacon Daily", "Heartland Truth Report", "Liberty Wire Now"}


@pytest.fixture(scope="module")
def story(example_result):
    arts = list(example_result.values())
    return arts, build_story(arts)


def test_copy_network_is_one_family_with_the_rewrite_as_original(example_result, story):
    arts, report = story
    outlet = {a.id: a.outlet for a in arts}
    fams = {frozenset(outlet[m] for m in f.members): f for f in report.families}
    network = fams[frozenset(COPIES)]
    assert outlet[network.original] == "Patriot Pulse Network" and network.basis == "earliest"
    assert fams[frozenset({"Coastline Wire", "Larkspur Ledger"})].basis == "earliest"
    assert frozenset({"Valley Courier"}) in fams  # the independent report stands alone
    changes = {outlet[c.copy]: c for c in network.copies}
    assert "spun" in changes["Freedom Beacon Daily"].changes and "reordered" in changes["Freedom Beacon Daily"].changes
    assert "trimmed" in changes["Heartland Truth Report"].changes
    liberty = changes["Liberty Wire Now"]
    assert "extended" in liberty.changes
    added = [example_result["Liberty Wire Now"].sentences[i].text for i in liberty.added]
    assert any("two other bridges" in t for t in added)  # the copy's own embellishment


def test_invented_quote_carried_by_copies_is_not_supported(example_result):
    for outlet in COPIES:
        s = find(example_result[outlet], "death trap and everyone")
        assert s.verdict == "unsupported" and s.only_in_copies and s.independent_sources == 0
        assert len(s.supported_by) >= 1  # the copies do carry it: they just are not independent
        assert s.quotes[0].status == "only_here" and s.quotes[0].found_in  # found only in copies


def test_wire_fact_carried_by_the_independent_report_has_one_independent_source(example_result):
    s = find(example_result["Coastline Wire"], "found 14 cracks")
    assert s.verdict == "supported" and s.independent_sources == 1 and not s.only_in_copies
    # four copies of one rewrite say 40: one source against two, not four against two
    assert example_result["Patriot Pulse Network"].id in s.contradicted_by


def test_copies_do_not_make_a_family_of_two_one_line_items():
    a = Article(id="a", text="The council approved the budget of $4 million on Monday.")
    b = Article(id="b", text="The council approved the budget of $4 million on Monday evening.")
    assert all(len(f.members) == 1 for f in find_families([a, b]))


def test_claims_matrix_first_reporter_and_trail(story):
    arts, report = story
    outlet = {a.id: a.outlet for a in arts}
    cracks = next(c for c in report.claims if "14 cracks" in c.text)
    cells = {outlet[a]: cell for a, cell in cracks.cells.items()}
    assert cells["Coastline Wire"] == cells["Valley Courier"] == "carries"
    assert all(cells[o] == "contradicts" for o in COPIES)
    assert outlet[cracks.first_reporter] == "Coastline Wire"
    steps = {outlet[v.article]: {ch["type"] for ch in v.changes} for v in cracks.versions}
    assert {"number", "date", "source_kind"} <= steps["Patriot Pulse Network"]
    assert [outlet[v.article] for v in cracks.versions][0] == "Coastline Wire"  # time order


def test_first_reporter_is_unknown_when_a_carrier_is_undated():
    base = "The harbour authority closed Pier 7 on Monday after a crane collapsed, injuring two workers."
    arts = compare([
        Article(id="x", outlet="X", published="2026-05-01T09:00:00Z", text=base),
        Article(id="y", outlet="Y", text=base.replace("closed", "shut")),
    ])
    claim = next(c for c in build_story(arts).claims if len(c.carriers) == 2)
    assert claim.first_reporter is None
    assert story_document(arts)["story"]["claims"][0]["first_reporter"] == "unknown"


def test_times_are_ordered_only_when_certain():
    assert surely_before("2026-03-03T15:10:00Z", "2026-03-03T16:20:00Z")
    assert not surely_before("2026-03-03T15:10:00Z", "2026-03-03")  # a bare date could be any hour
    assert surely_before("2026-03-01", "2026-03-03T15:10:00Z")
    assert surely_before("2026-01-01", "2026-01-02")  # two bare dates: ordered by day
    assert not surely_before(None, "2026-01-02")
    assert first_of({"a": "2026-01-01", "b": "2026-01-01"}) is None


def test_copied_passages_say_who_copied_whom(story):
    arts, report = story
    outlet = {a.id: a.outlet for a in arts}
    ruiz = [p for p in report.passages if "six weeks" in p.text and {outlet[p.a], outlet[p.b]} == {
        "Coastline Wire", "Patriot Pulse Network"}]
    assert ruiz and outlet[ruiz[0].copier] == "Patriot Pulse Network" and ruiz[0].words >= 15
    wire = next(a for a in arts if a.outlet == "Coastline Wire")
    p = ruiz[0]
    span = wire.text[p.a_start:p.a_end] if p.a == wire.id else wire.text[p.b_start:p.b_end]
    assert span.startswith("Mayor Elena Ruiz said the closure")


def test_ranking_puts_the_copy_network_above_the_wire(story):
    arts, report = story
    outlet = {a.id: a.outlet for a in arts}
    order = [outlet[r.article] for r in report.ranking]
    # the copy network's unverifiable additions put all four above the wire and its copy;
    # the independent Valley Courier, with reporting of its own (a baker's quotes), may sit among them
    assert max(order.index(o) for o in COPIES) < min(order.index("Coastline Wire"), order.index("Larkspur Ledger"))
    assert order[0] in COPIES
    assert report.ranking[0].drivers


def test_stored_stories_grow_incrementally_and_link_duplicates(tmp_path, store_target):
    db = store_target
    files = sorted(EXAMPLES.iterdir()) + sorted(DATA.iterdir())
    with open_store(db) as st:
        for f in files:  # one at a time: every article joins or starts a story
            add([f], store=st)
        stories = st.list_stories()
        assert sorted(s["articles"] for s in stories) == [2, 7]
        bridge = next(s for s in stories if s["articles"] == 7)
        first_id = bridge["id"]
        # a republished copy with one added line: linked, not stored again, its addition kept
        wire = (EXAMPLES / "01_coastline_wire.txt").read_text()
        copy = tmp_path / "bayside.txt"
        copy.write_text(wire.replace("outlet Coastline Wire", "outlet Bayside Gazette")
                        + "\nBayside Gazette readers can send tips to our newsroom.\n")
        r = add([copy], store=st)
        assert (r.added, r.duplicates) == (0, 1)
        assert st.count("articles") == 9
        dup = st.story_duplicates(first_id)
        assert dup[0]["outlet"] == "Bayside Gazette" and dup[0]["added_sentences"] == [
            "Bayside Gazette readers can send tips to our newsroom."]
        again = st.list_stories()
        grown = next(s for s in again if s["id"] == first_id)
        assert grown["size"] == 8  # the story kept its id
        assert grown["duplicates"] == 1 and "Bayside Gazette" in grown["outlets"] and "" not in grown["outlets"]
        earliest = st.story_articles(first_id)[0]
        assert grown["headline"] == (earliest.title or " ".join(earliest.text.split())[:100])
        assert [s["id"] for s in st.list_stories(limit=1, offset=1)] == [again[1]["id"]]


def test_batch_and_one_by_one_give_the_same_stories(tmp_path):
    files = sorted(EXAMPLES.iterdir()) + sorted(DATA.iterdir())
    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        add(files, store=a)
        for f in reversed(files):
            add([f], store=b)
        groups = [sorted(sorted(m) for m in st.story_members([s["id"] for s in st.list_stories()]).values())
                  for st in (a, b)]
    assert groups[0] == groups[1]


def test_story_check_is_cached_until_the_story_changes(tmp_path):
    with open_store(tmp_path / "s.db") as st:
        add([EXAMPLES], store=st)
        sid = st.list_stories()[0]["id"]
        doc = check_stored_story(st, sid)
        assert doc["story"]["id"] == sid and len(doc["articles"]) == 7
        assert st.conn.execute("SELECT COUNT(*) FROM story_reports").fetchone()[0] == 1
        vectors = st.count("embeddings")
        assert check_stored_story(st, sid[:6]) == doc  # a prefix works; the cached document comes back
        assert st.count("embeddings") == vectors
        wire = next(a for a in doc["articles"] if a["outlet"] == "Coastline Wire")
        assert check_stored_story(st, wire["id"])["story"]["id"] == sid  # an article id finds its story


def run(*args, env=None):
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=env)


def test_cli_stories_and_story(tmp_path):
    db = tmp_path / "s.db"
    assert run("stories", "--db", db).returncode == 2  # nothing added yet: a clear error, no empty db made
    assert not db.exists()
    assert run("add", EXAMPLES, DATA, "--db", db).returncode == 0
    r = run("stories", "--db", db, "--json")
    listing = json.loads(r.stdout)
    assert listing["total"] == 2 and {s["size"] for s in listing["stories"]} == {7, 2}
    big = next(s for s in listing["stories"] if s["size"] == 7)
    assert big["headline"].startswith("Larkspur closes Merrow Bridge") and big["first_published"].startswith("2026-03-03")
    assert json.loads(run("stories", "--db", db, "--json", "--search", "quake").stdout)["total"] == 1
    html = tmp_path / "story.html"
    r = run("story", big["id"], "--db", db, "--json", "--html", html)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    st = doc["story"]
    assert {"families", "claims", "copied_passages", "ranking", "duplicates", "outlets"} <= set(st)
    claim = next(c for c in st["claims"] if "14 cracks" in c["text"])
    assert claim["independent_sources"] == 2 and claim["first_outlet"] == "Coastline Wire"
    assert set(claim["cells"].values()) == {"carries", "contradicts"}
    page = html.read_text()
    assert "Claims × outlets" in page and "How claims mutated" in page and "<script" not in page
    r = run("story", "s-nope", "--db", db)
    assert r.returncode == 2 and "no stored story" in r.stderr and r.stderr.count("\n") == 1
    r = run("story", big["id"], "--db", db)  # terminal view
    assert r.returncode == 0 and "claims × outlets" in r.stdout


def test_compare_json_carries_independence_and_story(example_result):
    doc = story_document(list(example_result.values()))
    sent = doc["articles"][0]["sentences"][0]
    assert "independent_sources" in sent and "only_in_copies" in sent
    assert len(doc["story"]["families"]) == 3
