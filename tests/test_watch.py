"""`storycheck watch`, `alerts` and `add URL` against a real HTTP server on 127.0.0.1.

The story (fictional): a crane falls at the Port of Lindell. A wire report and an
independent one agree; a faithful copy repeats the wire; later a rewrite drifts the
number of injured, rewords the harbour master's quote and adds "classified
briefings". Only the rewrite may raise alerts, and it must raise those three.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from feedserver import Route, Site, page, rss, running

from storycheck.store import open_store

T0 = datetime(2026, 3, 10, 7, 40, tzinfo=UTC)

WIRE = [
    "A container crane collapsed at the Port of Lindell on Tuesday morning, injuring four dock workers.",
    "The 60-metre crane toppled onto an empty cargo ship at about 7 am, the port authority said.",
    "\u201cWe have stopped all loading on the east quay until engineers have inspected every crane,\u201d "
    "said harbour master Ines Kolberg.",
    "Two of the injured workers remain in hospital with broken bones.",
    "The crane was installed in 2011 and was last inspected in March, according to port records.",
]
INDEPENDENT = [
    "Four dockers were hurt when a crane fell over at Lindell's port early on Tuesday.",
    "The port authority said the 60-metre machine came down on an unloaded freighter around 7 am.",
    "Harbour master Ines Kolberg told reporters: \u201cWe have stopped all loading on the east quay until "
    "engineers have inspected every crane.\u201d",
    "Two of the four injured dockers are still in hospital.",
    "Dock unions have asked the regional government for an independent inquiry into the collapse.",
]
REWRITE = [
    "A giant crane crashed down at the Port of Lindell on Tuesday morning, injuring nine dock workers.",
    "\u201cWe have stopped all loading on the quay until inspectors have checked every crane,\u201d "
    "said harbour master Ines Kolberg.",
    "Classified briefings seen by this outlet suggest the crane operator had ignored repeated safety warnings.",
    "The crane was installed in 2011.",
]
# another story (a bakery fire in Vesk), served with a wrong charset
CYRILLIC = ("В городе Веск в среду ночью сгорела старая пекарня на улице Садовой. "
            "Пожарные Веска тушили огонь три часа, никто не пострадал.")


def _pages(site: Site) -> None:
    site.routes["/wire/crane"] = Route(page("Crane collapses at Port of Lindell, four hurt", "Tarn Wire", T0,
                                            WIRE).encode())
    site.routes["/courier/crane"] = Route(page("Four dockers hurt as crane falls at Lindell port",
                                               "Lindell Courier", T0 + timedelta(hours=1), INDEPENDENT).encode())
    site.routes["/coast/crane"] = Route(page("Crane collapses at Port of Lindell, four hurt", "Coastline Daily",
                                             T0 + timedelta(hours=2), WIRE).encode())
    site.routes["/buzz/crane"] = Route(page("Crane horror at Lindell: nine hurt", "Buzz Harbour",
                                            T0 + timedelta(hours=3), REWRITE).encode())
    # declares UTF-8, sends cp1251: the text must still read as Cyrillic
    site.routes["/ru/bakery"] = Route(page("В Веске сгорела пекарня", "Веск Вести", T0 + timedelta(hours=4),
                                          [CYRILLIC], charset="utf-8").encode("cp1251"),
                                     content_type="text/html; charset=utf-8")


def _feed(site: Site, outlet: str, items: list[tuple[str, str, datetime]], etag: str) -> Route:
    return Route(rss(outlet, [(t, site.url(path), when, "Read the full story.") for t, path, when in items]),
                 content_type="application/rss+xml", etag=etag)


@pytest.fixture()
def site():
    with running() as s:
        _pages(s)
        s.routes["/feeds/main.xml"] = _feed(s, "Port News", [
            ("Crane collapses", "/wire/crane", T0), ("Dockers hurt", "/courier/crane", T0 + timedelta(hours=1)),
            ("Crane collapses (copy)", "/coast/crane", T0 + timedelta(hours=2))], etag='"v1"')
        s.routes["/feeds/broken.xml"] = Route(b"oops", status=500)
        s.routes["/feeds/slow.xml"] = Route(rss("Slow", []), delay=3.0, content_type="application/rss+xml")
        yield s


def _watch(db, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "storycheck", "watch", "--db", str(db), "--once", "--delay", "0",
                           "--timeout", "1", *args], capture_output=True, text=True, timeout=timeout, env=env)


def _lines(out: str) -> list[dict]:
    return [json.loads(ln) for ln in out.splitlines() if ln.strip()]


def test_watch_adds_once_alerts_on_the_rewrite_only_and_survives_failing_feeds(site, tmp_path):
    db = tmp_path / "w.db"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# port desk\n{site.url()}/feeds/main.xml\n\n{site.url()}/feeds/broken.xml  # flaky\n"
                     f"{site.url()}/feeds/slow.xml\n{site.url()}/ru/bakery\n", encoding="utf-8")
    first = _watch(db, "--feeds", str(feeds))
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    # the failing and the slow feed are reported, one line each, and did not stop the others
    assert "broken.xml: HTTP 500" in first.stderr and "slow.xml" in first.stderr
    assert _lines(first.stdout) == [], first.stdout  # wire, independent report and a faithful copy: nothing to alert
    with open_store(str(db)) as st:
        urls = {a.url for a in (st.get_article(i) for i in st.feature_ids()) if a}
        assert f"{site.url()}/wire/crane" in urls and f"{site.url()}/courier/crane" in urls
        ru = next(st.get_article(i) for i in st.feature_ids() if "Веск" in (st.get_article(i).text or ""))
        assert "сгорела старая пекарня" in ru.text
        assert st.source_state(f"{site.url()}/feeds/broken.xml")["failures"] == 1
        assert st.source_state(f"{site.url()}/feeds/main.xml")["etag"] == '"v1"'
        stored = st.count("articles") + st.count("duplicates")
    assert site.count("/wire/crane") == 1 and site.count("/coast/crane") == 1

    # second poll, nothing new: the feed answers 304 and no page is fetched again
    again = _watch(db, f"{site.url()}/feeds/main.xml")
    assert again.returncode == 0 and _lines(again.stdout) == []
    assert "1 unchanged" in again.stderr
    assert site.hits[-1][3].get("If-None-Match") == '"v1"'
    assert site.count("/wire/crane") == 1

    # the feed gains the rewrite: it is added once and raises the three alerts
    site.routes["/feeds/main.xml"] = _feed(site, "Port News", [
        ("Crane collapses", "/wire/crane", T0), ("Dockers hurt", "/courier/crane", T0 + timedelta(hours=1)),
        ("Crane collapses (copy)", "/coast/crane", T0 + timedelta(hours=2)),
        ("Crane horror", "/buzz/crane", T0 + timedelta(hours=3))], etag='"v2"')
    third = _watch(db, f"{site.url()}/feeds/main.xml")
    assert third.returncode == 0, third.stderr
    alerts = _lines(third.stdout)
    kinds = {a["kind"] for a in alerts}
    assert {"contradiction", "quote_altered", "unsourced_new_claim"} <= kinds, alerts
    assert all(a["outlet"] == "Buzz Harbour" for a in alerts)
    contra = next((a for a in alerts if a["kind"] == "contradiction" and a["detail"]["type"] == "number"), None)
    assert contra is not None, [a["message"] for a in alerts]
    assert "nine" in contra["detail"]["claim_span"] and "four" in contra["detail"]["evidence_span"].lower()
    unsourced = next(a for a in alerts if a["kind"] == "unsourced_new_claim")
    assert "Classified briefings" in unsourced["text"]
    assert site.count("/buzz/crane") == 1 and site.count("/wire/crane") == 1
    with open_store(str(db)) as st:
        assert st.count("articles") + st.count("duplicates") == stored + 1
        assert st.count("alerts") == len(alerts)

    # a fourth poll repeats nothing: same feed (304), no new alert lines
    fourth = _watch(db, f"{site.url()}/feeds/main.xml")
    assert _lines(fourth.stdout) == []

    # `alerts` lists what watch printed, as the same JSON lines
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    listed = subprocess.run([sys.executable, "-m", "storycheck", "alerts", "--db", str(db), "--json", "--since", "1h"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert sorted(a["id"] for a in _lines(listed.stdout)) == sorted(a["id"] for a in alerts)
    older = subprocess.run([sys.executable, "-m", "storycheck", "alerts", "--db", str(db), "--json", "--since",
                            "2999-01-01"], capture_output=True, text=True, env=env, timeout=60)
    assert older.returncode == 0 and older.stdout == ""
    bad = subprocess.run([sys.executable, "-m", "storycheck", "alerts", "--db", str(db), "--since", "yesterday"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--since" in bad.stderr

    # the web UI lists them (API and page), escaped
    from fastapi.testclient import TestClient

    from storycheck.web import WebOptions, create_app

    client = TestClient(create_app(WebOptions(db=str(db))))
    r = client.get("/api/alerts", params={"kind": "quote_altered"})
    assert r.status_code == 200 and r.json()["total"] == sum(a["kind"] == "quote_altered" for a in alerts)
    assert client.get("/api/alerts", params={"kind": "nonsense"}).status_code == 422
    html = client.get("/alerts").text
    assert "Buzz Harbour" in html and "quote altered" in html and "<script" not in html.split("</head>")[1]


def test_bad_watch_input_is_one_line_and_exit_2(tmp_path):
    db = tmp_path / "w.db"
    r = _watch(db, "ftp://example.invalid/feed")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "not an http(s) URL" in r.stderr
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/ok.xml\nnot a url\n", encoding="utf-8")
    r = _watch(db, "--feeds", str(feeds))
    assert r.returncode == 2 and f"{feeds}:2" in r.stderr and r.stderr.count("\n") == 1
    r = _watch(db, "http://127.0.0.1:9/x", "--every", "soon")
    assert r.returncode == 2 and "--every" in r.stderr
    assert not db.exists()  # refused before the store was created


def test_add_url_fetches_a_feed_and_its_pages(site, tmp_path):
    db = tmp_path / "a.db"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, "-m", "storycheck", "add", "--db", str(db), f"{site.url()}/feeds/main.xml",
                        f"{site.url()}/buzz/crane"], capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stderr
    with open_store(str(db)) as st:
        assert st.count("articles") + st.count("duplicates") == 4
    r = subprocess.run([sys.executable, "-m", "storycheck", "add", "--db", str(tmp_path / "b.db"),
                        f"{site.url()}/feeds/broken.xml"], capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "HTTP 500" in r.stderr
    assert not (tmp_path / "b.db").exists()


def test_ctrl_c_stops_watch_cleanly(site, tmp_path):
    db = tmp_path / "c.db"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "storycheck", "watch", "--db", str(db), "--every", "1s",
                             "--delay", "0", f"{site.url()}/feeds/main.xml"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 200
    while time.monotonic() < deadline and site.count("/feeds/main.xml") < 2:
        time.sleep(0.2)  # the first cycle is done once the feed is polled a second time
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopping" in err and "Traceback" not in err
    with open_store(str(db)) as st:
        assert st.count("articles") + st.count("duplicates") == 3
        assert len(st.seen_items([f"{site.url()}/wire/crane", f"{site.url()}/courier/crane",
                                  f"{site.url()}/coast/crane"])) == 3


def test_a_page_that_failed_is_fetched_again_though_its_feed_did_not_change(tmp_path):
    from storycheck.ingest import FetchOptions
    from storycheck.watch import Watcher, WatchOptions

    with running() as s:
        s.routes["/p/1"] = Route(b"busy", status=503)
        s.routes["/feed.xml"] = _feed(s, "Port News", [("Crane collapses", "/p/1", T0)], etag='"v1"')
        opts = WatchOptions(fetch=FetchOptions(host_delay=0, retries=0, timeout=2))
        with open_store(str(tmp_path / "w.db")) as st:
            w = Watcher([s.url("/feed.xml")], st, opts)
            first = w.cycle()
            assert first.added == 0 and first.failed == 0  # the feed answered; its item is left for later
            assert st.source_state(s.url("/feed.xml"))["etag"] is None  # so the next poll is not a 304
            s.routes["/p/1"] = Route(page("Crane collapses at Port of Lindell, four hurt", "Tarn Wire", T0,
                                          WIRE).encode())
            second = w.cycle()
            assert second.added == 1 and st.source_state(s.url("/feed.xml"))["etag"] == '"v1"'
            third = w.cycle()
            assert third.not_modified == 1 and third.added == 0 and s.count("/p/1") == 2


def test_a_page_that_keeps_failing_is_given_up_on_and_the_feed_is_conditional_again(tmp_path):
    from storycheck.ingest import FetchOptions
    from storycheck.watch import Watcher, WatchOptions
    from storycheck.watch._watch import MAX_ITEM_TRIES

    with running() as s:
        s.routes["/p/1"] = Route(b"down", status=503)
        s.routes["/feed.xml"] = _feed(s, "Port News", [("Crane collapses", "/p/1", T0)], etag='"v1"')
        opts = WatchOptions(fetch=FetchOptions(host_delay=0, retries=0, timeout=2))
        notes: list[str] = []
        with open_store(str(tmp_path / "w.db")) as st:
            w = Watcher([s.url("/feed.xml")], st, opts, log=notes.append)
            for _ in range(MAX_ITEM_TRIES - 1):
                assert w.cycle().added == 0
            assert w.cycle().added == 1  # given up on its page: the item's own text is added instead
            assert s.count("/p/1") == MAX_ITEM_TRIES
            assert any("given up after 5 tries" in n for n in notes)
            assert st.seen_items([s.url("/p/1")]) == {s.url("/p/1")}
            last = w.cycle()
            assert last.not_modified == 1 and s.count("/p/1") == MAX_ITEM_TRIES  # not asked again
