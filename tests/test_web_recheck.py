"""A stored story an article joined: its pages serve the last check at once, marked as updating,
while one background check brings it up to date (real server on 127.0.0.1, real SQLite and PostgreSQL)."""

import json
import time
from contextlib import contextmanager

import pytest
from conftest import EXAMPLES, serve_app

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from storycheck import add, open_store  # noqa: E402
from storycheck.web import WebOptions, create_app  # noqa: E402

LATE = EXAMPLES / "03_valley_courier.json"  # held back, then posted: it joins the story


@contextmanager
def _served(db):
    """The example story stored without LATE and served on 127.0.0.1: (client, the app's stores, the
    story's id, the server); the server is stopped and joined on the way out."""
    with open_store(db) as st:
        add(sorted(p for p in EXAMPLES.iterdir() if p != LATE), store=st)
    app = create_app(WebOptions(db=db))
    server, thread, url = serve_app(app)
    try:
        with httpx.Client(base_url=url, timeout=300) as http:
            yield http, app.state.stores, http.get("/api/stories").json()["stories"][0]["id"], server
    finally:
        server.should_exit = True
        thread.join(timeout=120)
    assert not thread.is_alive()


def _until_idle(stores, seconds=300.0):
    deadline = time.monotonic() + seconds
    while stores.pending() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not stores.pending(), "the background check did not finish"


def _verdicts(doc):
    return {a["id"]: [s["verdict"] for s in a["sentences"]] for a in doc["articles"]}


def test_a_joined_article_is_served_stale_at_once_and_checked_once_in_the_background(store_target):
    with _served(store_target) as (http, stores, sid, server):
        first = http.get(f"/api/stories/{sid}").json()  # never checked: checked now, in the request
        assert first["check"] == {"stale": False, "pending_articles": [], "left_articles": []}
        assert len(first["articles"]) == 6 and stores.background_checks == 0

        r = http.post("/api/articles", json=json.loads(LATE.read_text(encoding="utf-8")))
        assert r.status_code == 201, r.text
        new = r.json()["articles"][0]
        assert new["story"] == sid

        # the story's check lock held here: the background check cannot finish before both views
        with stores.checking(sid):
            stale = http.get(f"/api/stories/{sid}").json()
            page = http.get(f"/stories/{sid}")
            again = http.get(f"/api/articles/{first['articles'][0]['id']}").json()
            assert stores.pending() == {sid}  # queued once, by the first view
        assert stale["check"] == {"stale": True, "pending_articles": [new["id"]], "left_articles": []}
        assert _verdicts(stale) == _verdicts(first)  # the last check's verdicts, the new article not in them
        assert page.status_code == 200 and "Updating: 1 new article not yet checked" in page.text
        assert f"/stories/{sid}?refresh=1" in page.text
        assert again["check"]["stale"] and again["article"]["id"] == first["articles"][0]["id"]

        _until_idle(stores)
        assert stores.background_checks == 1  # three views, one check
        fresh = http.get(f"/api/stories/{sid}").json()
        assert fresh["check"] == {"stale": False, "pending_articles": [], "left_articles": []}
        assert new["id"] in _verdicts(fresh) and all(_verdicts(fresh)[new["id"]])
        page = http.get(f"/stories/{sid}")
        assert "Updating:" not in page.text
        assert stores.background_checks == 1


def test_refresh_and_a_new_articles_own_page_wait_for_the_check(tmp_path):
    db = str(tmp_path / "s.db")
    with _served(db) as (http, stores, sid, server):
        http.get(f"/api/stories/{sid}").raise_for_status()
        new = http.post("/api/articles", json=json.loads(LATE.read_text(encoding="utf-8"))).json()["articles"][0]
        # the new article's own page: its verdicts are what the view is for, so it waits for them
        art = http.get(f"/api/articles/{new['id']}").json()
        assert art["check"]["stale"] is False and art["article"]["sentences"]
        page = http.get(f"/articles/{new['id']}")
        assert page.status_code == 200 and "Updating:" not in page.text
        new2 = {"id": "late-rewrite", "outlet": "Harbour Evening", "title": "Merrow Bridge shut for weeks",
                "published": "2026-03-04T18:00:00Z",
                "text": "The city of Larkspur shut the Merrow Bridge on Tuesday after inspectors found 14 cracks "
                        "in its steel beams. Mayor Elena Ruiz said the bridge would stay closed for at least "
                        "six weeks while engineers assess the damage.\n\nCommuters were told to use the "
                        "Old Mill crossing, which adds about 20 minutes to the drive downtown."}
        r = http.post("/api/articles", json=new2)
        assert r.status_code == 201 and r.json()["articles"][0]["story"] == sid, r.text
        with stores.checking(sid):  # no background check may finish meanwhile
            assert http.get(f"/api/stories/{sid}").json()["check"]["stale"]
        waited = http.get(f"/api/stories/{sid}", params={"refresh": 1}).json()
        assert waited["check"]["stale"] is False and "late-rewrite" in _verdicts(waited)
        _until_idle(stores)
        assert not http.get(f"/api/stories/{sid}").json()["check"]["stale"]


def test_stopping_the_server_drops_queued_checks_and_keeps_the_store_sound(tmp_path):
    """A stale story's check blocked, more queued behind it: stopping drops the queued ones, stops the
    running one before it writes, and the store stays whole, its last check still there."""
    import sqlite3

    db = str(tmp_path / "s.db")
    with _served(db) as (http, stores, sid, server):
        http.get(f"/api/stories/{sid}").raise_for_status()
        http.post("/api/articles", json=json.loads(LATE.read_text(encoding="utf-8"))).raise_for_status()
        lock = stores.checking(sid)
        lock.acquire()
        try:
            assert http.get(f"/api/stories/{sid}").json()["check"]["stale"]
            assert stores.recheck("s-queued-behind") is True  # a second story waits behind the first
            server.should_exit = True
            deadline = time.monotonic() + 60
            while not stores.closed and time.monotonic() < deadline:  # the server is stopping
                time.sleep(0.1)
            assert stores.recheck("s-another") is False  # stopping: nothing more is queued
        finally:
            lock.release()
    assert stores.background_checks == 1  # the running check began (and stopped); the queued ones were dropped
    assert stores.recheck(sid) is False  # closed: nothing is queued after stop
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(db) as st:
        from storycheck._pipeline import last_stored_check

        last = last_stored_check(st, sid)
        assert last is not None and last["check"]["stale"]  # the stopped check wrote nothing


def test_a_failed_background_check_is_logged_and_the_last_check_still_served(tmp_path, caplog):
    """The store refuses the new check (a trigger aborts the write): the failure is logged, views go on
    getting the last check marked stale, and the story is not checked again at every view."""
    import sqlite3

    db = str(tmp_path / "s.db")
    with _served(db) as (http, stores, sid, server):
        first = http.get(f"/api/stories/{sid}").json()
        http.post("/api/articles", json=json.loads(LATE.read_text(encoding="utf-8"))).raise_for_status()
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TRIGGER boom BEFORE UPDATE ON story_reports BEGIN "
                         "SELECT RAISE(ABORT, 'boom: no new check'); END")
        assert http.get(f"/api/stories/{sid}").json()["check"]["stale"]
        _until_idle(stores)
        assert stores.background_checks == 1
        assert any("background check of story" in r.getMessage() and r.exc_info for r in caplog.records)
        for _ in range(3):  # still served, still stale, not retried within RETRY_S
            r = http.get(f"/api/stories/{sid}")
            assert r.status_code == 200 and r.json()["check"]["stale"]
            assert _verdicts(r.json()) == _verdicts(first)
        assert http.get(f"/stories/{sid}").status_code == 200
        assert stores.pending() == set() and stores.background_checks == 1
