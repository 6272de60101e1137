"""The store's test suite, run unchanged against a real SQLite file and a real PostgreSQL
started by the test suite (see conftest: store_target)."""


import pytest
from conftest import EXAMPLES

from storycheck import InputError, StoreError, add, open_store, read_paths
from storycheck.group import features
from storycheck.store import SCHEMA_VERSION


def test_migrations_create_the_schema(store_target):
    tables = ("articles", "sentences", "embeddings", "schema_migrations", "stories", "story_articles", "duplicates",
              "article_features", "term_df", "block_postings", "minhash_bands", "story_reports")
    with open_store(store_target) as st:
        assert st.schema_version() == SCHEMA_VERSION
    with open_store(store_target) as st:  # reopening applies nothing twice
        assert st.schema_version() == SCHEMA_VERSION
        assert st._x("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION
        for table in tables:
            assert st._x(f"SELECT COUNT(*) FROM {table}").fetchone()[0] >= 0


def test_add_is_idempotent_and_keeps_offsets(store_target):
    with open_store(store_target) as st:
        r = add([EXAMPLES], store=st)
        assert (r.added, r.already, r.duplicates, r.stories) == (7, 0, 0, 1)
        counts = (st.count("articles"), st.count("sentences"), st.count("embeddings"))
        r = add([EXAMPLES], store=st)
        assert (r.added, r.already, r.duplicates, r.stories) == (0, 7, 0, 0)
        assert (st.count("articles"), st.count("sentences"), st.count("embeddings")) == counts
        art = st.get_article("valley-courier-merrow-0303")
        assert art is not None and art.outlet == "Valley Courier"
        for s in art.sentences:
            assert " ".join(art.text[s.start : s.end].split()) == s.text


VELMORA = EXAMPLES.parent / "velmora-dam"


def _languages(st):
    return dict(st._x("SELECT path, language FROM articles").fetchall())


def test_language_is_stored_and_read_back_not_detected_again(store_target):
    with open_store(store_target) as st:
        add([VELMORA], store=st)
        langs = {p.rsplit("/", 1)[-1]: lang for p, lang in _languages(st).items()}
        assert langs["05_talblatt.txt"] == "de" and langs["06_courrier_du_val.txt"] == "fr"
        assert langs["04_severny_vestnik.txt"] == "ru" and langs["01_northbridge_wire.txt"] == "en"
        assert [s["languages"] for s in st.list_stories()] == [sorted(set(langs.values()))]  # one story, 11 articles
        arts = read_paths([VELMORA])  # stored features give back what describing the article gave
        loaded = {f.id: f for f in st.load_features([a.id for a in arts], "any")}
        assert all((loaded[a.id].lead, loaded[a.id].language) == (lambda f: (f.lead, f.language))(features(a, 300))
                   for a in arts)
        aid = st._x("SELECT id FROM articles WHERE path LIKE ?", ("%01_northbridge_wire.txt",)).fetchone()[0]
        st._x("UPDATE articles SET language = 'hu' WHERE id = ?", (aid,))
        assert st.get_article(aid).language == "hu"  # what the store says, not a new detection
        assert {f.id: f.language for f in st.load_features([aid], "any")}[aid] == "hu"


def test_a_store_of_the_previous_schema_gets_its_languages_in_place(store_target):
    with open_store(store_target) as st:
        add([VELMORA], store=st)
        expected = _languages(st)
        # back to the schema before the language column: the column and its migration's record gone
        (version,) = st._x("SELECT version FROM schema_migrations WHERE name LIKE ?", ("%language.sql",)).fetchone()
        st._x("ALTER TABLE articles DROP COLUMN language")
        st._x("DELETE FROM schema_migrations WHERE version = ?", (version,))
    assert len(set(expected.values())) >= 4 and None not in expected.values()
    with open_store(store_target) as st:  # migrated in place when opened
        assert st._x("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", (version,)).fetchone()[0] == 1
        assert _languages(st) == expected


def test_bad_input_stores_nothing(tmp_path, store_target):
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": ')
    with open_store(store_target) as st:
        add([EXAMPLES / "01_coastline_wire.txt"], store=st)
        before = st.count("articles"), st.count("sentences")
        with pytest.raises(InputError):
            add([EXAMPLES / "03_valley_courier.json", bad], store=st)
        assert (st.count("articles"), st.count("sentences")) == before


FAIL_THIRD = {
    "sqlite": ["CREATE TRIGGER boom BEFORE INSERT ON articles WHEN (SELECT COUNT(*) FROM articles) >= 2 "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END"],
    "postgres": ["CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF (SELECT COUNT(*) FROM articles) >= 2 THEN "
                 "RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                 "CREATE TRIGGER boom BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION boom()"],
}


def test_failed_write_rolls_back(store_target):
    engine = "postgres" if store_target.startswith("postgresql") else "sqlite"
    with open_store(store_target) as st:
        for sql in FAIL_THIRD[engine]:  # a trigger that fails on the third article: a crash mid-write
            st.conn.execute(sql)
        with pytest.raises(Exception, match="disk full"):
            add([EXAMPLES], store=st)
        assert st.count("articles") == 0 and st.count("sentences") == 0 and st.count("embeddings") == 0
        assert st._x("SELECT COUNT(*) FROM term_df").fetchone()[0] == 0


def test_crash_between_articles_and_stories_is_resumed(store_target, monkeypatch):
    from storycheck import _pipeline

    with open_store(store_target) as st:
        def crash(*args, **kwargs):
            raise RuntimeError("killed")

        monkeypatch.setattr(_pipeline, "_group", crash)
        with pytest.raises(RuntimeError):
            add([EXAMPLES], store=st)
        assert st.count("articles") == 7 and st.count("story_articles") == 0  # articles whole, no story yet
        monkeypatch.undo()
        r = add([EXAMPLES], store=st)  # the rerun: nothing stored twice, the stories made
        assert (r.added, r.already, r.stories) == (0, 7, 1)
        assert st.count("story_articles") == 7 and st.count("articles") == 7


def test_concurrent_writers_store_each_article_once(store_target):
    import threading

    errors: list[BaseException] = []

    def worker():
        try:
            with open_store(store_target) as st:
                add([EXAMPLES], store=st)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    open_store(store_target).close()  # migrate once first, as a deployment would
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(store_target) as st:
        assert st.count("articles") == 7
        assert st.count("sentences") == sum(1 for _ in st._x("SELECT 1 FROM sentences"))
        assert st._x("SELECT MAX(df) FROM term_df").fetchone()[0] <= 7  # counted once per article


def test_unreachable_postgres_is_a_clear_store_error():
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as err:
        open_store("postgresql://nobody:secret@127.0.0.1:9/none")
    assert "secret" not in str(err.value)  # the password is never printed


def _stories(st):
    rows = st._x("SELECT story_id, article_id FROM story_articles").fetchall()
    out: dict[str, set[str]] = {}
    for sid, aid in rows:
        out.setdefault(sid, set()).add(aid)
    return sorted(sorted(ms) for ms in out.values())


def test_candidates_scored_in_slices_group_as_all_at_once(tmp_path, monkeypatch):
    """A batch's stored candidates are scored a slice at a time (bounded memory): one candidate
    per slice must give the stories that one slice for all gives, on every example story."""
    from storycheck.group import _incremental

    got = []
    for n, slice_ in enumerate((_incremental.CANDIDATE_SLICE, 1)):
        monkeypatch.setattr(_incremental, "CANDIDATE_SLICE", slice_)
        with open_store(tmp_path / f"{n}.db") as st:
            add([EXAMPLES.parent], store=st, batch_size=3)  # small batches: later ones have stored candidates
            got.append(_stories(st))
    assert got[0] == got[1] and len(got[0]) >= 3


def test_block_candidates_leave_out_common_terms_and_minhashes_match_features(tmp_path):
    with open_store(tmp_path / "s.db") as st:
        add([EXAMPLES], store=st)
        ids = [a for (a,) in st._x("SELECT id FROM articles").fetchall()]
        sigs = st.load_minhashes(ids)
        feats = st.load_features(ids, "any")
        assert len(sigs) == len(feats) == 7 and all((sigs[f.id] == f.minhash).all() for f in feats)
        terms = [t for (t,) in st._x("SELECT DISTINCT term FROM block_postings").fetchall()]
        everything = st.block_candidates(terms, 10**6)
        rare = st.block_candidates(terms, 2)
        assert any(len(v) > 2 for v in everything.values())  # some term is shared by the whole story
        assert rare == {t: v for t, v in everything.items() if len(v) <= 2}



def test_a_linked_duplicate_keeps_the_cached_check_and_is_listed(tmp_path):
    """A duplicate (the same text under another id and outlet) changes no verdict: the stored
    story's cached check is reused (no progress reported, nothing checked again) and the
    document lists the new duplicate."""
    import json as _json

    from storycheck._pipeline import check_stored_story

    folder = EXAMPLES  # examples/merrow-bridge
    source = folder / "03_valley_courier.json"
    store = open_store(tmp_path / "s.db")
    try:
        add([folder], store=store)
        art = next(a for a in read_paths([source]))
        sid = store.stories_of([art.id])[art.id]
        steps: list[int] = []
        first = check_stored_story(store, sid, progress=steps.append)
        assert steps  # the first check ran
        twin = {**_json.loads(source.read_text(encoding="utf-8")), "id": "merrow-twin", "outlet": "Wire Digest"}
        path = tmp_path / "twin.json"
        path.write_text(_json.dumps(twin), encoding="utf-8")
        assert add([path], store=store).duplicates == 1
        steps.clear()
        again = check_stored_story(store, sid, progress=steps.append)
        assert not steps  # served from the cache
        assert again["articles"] == first["articles"]
        assert "merrow-twin" in [d["id"] for d in again["story"]["duplicates"]]
        assert "merrow-twin" not in [d["id"] for d in first["story"]["duplicates"]]
    finally:
        store.close()


def test_document_frequencies_of_one_batch_equal_those_of_its_articles(store_target):
    """term_df is written once per batch, sorted (concurrent writers then lock its rows in one order):
    each term counts the stored articles that hold it."""
    from storycheck._records import Vocabulary

    with open_store(store_target) as st:
        add([VELMORA], store=st)
        feats = [features(a, 300) for a in read_paths([VELMORA])]
        assert st.vocabulary().df == Vocabulary.of(feats).df
