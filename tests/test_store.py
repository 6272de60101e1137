"""The real SQLite store, in a temporary file."""

import sqlite3

import pytest

from conftest import EXAMPLES
from storycheck import InputError, add, open_store
from storycheck.store import SCHEMA_VERSION


def test_migrations_create_the_schema(tmp_path):
    with open_store(tmp_path / "s.db") as st:
        assert st.schema_version() == SCHEMA_VERSION
    with open_store(tmp_path / "s.db") as st:  # reopening applies nothing twice
        assert st.schema_version() == SCHEMA_VERSION
        names = {r[0] for r in st.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "sentences", "embeddings", "schema_migrations"} <= names


def test_add_is_idempotent_and_keeps_offsets(tmp_path):
    with open_store(tmp_path / "s.db") as st:
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


def test_bad_input_stores_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": ')
    with open_store(tmp_path / "s.db") as st:
        add([EXAMPLES / "01_coastline_wire.txt"], store=st)
        before = st.count("articles"), st.count("sentences")
        with pytest.raises(InputError):
            add([EXAMPLES / "03_valley_courier.json", bad], store=st)
        assert (st.count("articles"), st.count("sentences")) == before


def test_failed_write_rolls_back(tmp_path):
    with open_store(tmp_path / "s.db") as st:
        # a trigger that fails on the third article simulates a crash mid-write
        st.conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON articles WHEN (SELECT COUNT(*) FROM articles) >= 2 "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        with pytest.raises(sqlite3.IntegrityError):
            add([EXAMPLES], store=st)
        assert st.count("articles") == 0 and st.count("sentences") == 0 and st.count("embeddings") == 0
