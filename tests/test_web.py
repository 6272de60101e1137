"""The web UI and JSON API through the ASGI app (real SQLite, real model), and in a real browser."""

import json
import os
from pathlib import Path

import pytest
from conftest import EXAMPLES, serve

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from storycheck import add, open_store  # noqa: E402
from storycheck.web import CSP, WebOptions, create_app  # noqa: E402

DATA = Path(__file__).parent / "data"
HOSTILE = {
    "id": "hostile-1",
    "title": "<script>alert('title')</script> Merrow Bridge closed after cracks",
    "outlet": "<img src=x onerror=alert('outlet')>",
    "url": "javascript:alert('url')",
    "published": "2026-03-04T10:00:00Z",
    "text": ("The city of Larkspur closed the Merrow Bridge on Tuesday after inspectors found 14 cracks "
             "<script>alert('text')</script> in its beams.\n\nMayor Elena Ruiz said the closure would last "
             "at least six weeks \" onerror=\"alert('attr') while engineers assess the damage."),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "s.db"
    with open_store(path) as st:
        add([EXAMPLES, DATA], store=st)
    return path


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(WebOptions(db=str(db))))


def _story_id(client, text="Merrow"):
    return client.get("/api/stories", params={"q": text}).json()["stories"][0]["id"]


def test_api_lists_and_paginates_stories(client):
    r = client.get("/api/stories")
    assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    doc = r.json()
    assert doc["total"] == 2 and {s["size"] for s in doc["stories"]} == {7, 2}
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert len(page["stories"]) == 1 and page["stories"][0]["id"] == doc["stories"][1]["id"]
    assert client.get("/api/stories", params={"min_size": 3}).json()["total"] == 1
    assert client.get("/api/stories", params={"since": "2026-03-05"}).json()["total"] == 1  # the quake is earlier
    assert client.get("/api/stories", params={"until": "2026-03-02"}).json()["total"] == 0
    bad = client.get("/api/stories", params={"limit": 0})
    assert bad.status_code == 422 and "error" in bad.json()


def test_api_story_and_article(client):
    sid = _story_id(client)
    doc = client.get(f"/api/stories/{sid}").json()
    assert doc["story"]["id"] == sid and len(doc["articles"]) == 7
    wire = next(a for a in doc["articles"] if a["outlet"] == "Coastline Wire")
    art = client.get(f"/api/articles/{wire['id']}").json()
    assert art["story"] == sid and art["article"]["sentences"][0]["verdict"] == "supported"
    r = client.get("/api/stories/s-doesnotexist")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    assert client.get("/api/articles/nope").status_code == 404


def test_api_compare_and_errors(client):
    arts = [json.loads((EXAMPLES / "03_valley_courier.json").read_text()),
            {"text": (EXAMPLES / "01_coastline_wire.txt").read_text().split("\n\n", 2)[2], "outlet": "Wire"}]
    r = client.post("/api/compare", json={"articles": arts})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert len(doc["articles"]) == 2 and "story" in doc
    assert client.post("/api/compare", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    one = client.post("/api/compare", json={"articles": arts[:1]})
    assert one.status_code == 400 and "at least two" in one.json()["error"]["message"]
    assert client.post("/api/compare", json={"articles": [{"title": "no text"}]}).status_code == 400
    r = client.post("/api/compare", files=[("files", ("w.txt", (EXAMPLES / "01_coastline_wire.txt").read_bytes())),
                                          ("files", ("p.txt", (EXAMPLES / "04_patriot_pulse.txt").read_bytes()))])
    assert r.status_code == 200 and len(r.json()["articles"]) == 2


def test_request_size_limit(db):
    small = TestClient(create_app(WebOptions(db=str(db), max_body=1000)))
    r = small.post("/api/compare", json={"articles": [{"text": "x" * 5000}, {"text": "y"}]})
    assert r.status_code == 413 and "error" in r.json()


def test_writes_need_the_token_when_one_is_set(tmp_path):
    app = TestClient(create_app(WebOptions(db=str(tmp_path / "t.db"), token="s3cret")))
    art = {"text": "The council approved a new budget of $4 million on Monday.", "outlet": "Town Crier"}
    assert app.post("/api/articles", json=art).status_code == 401
    assert app.post("/api/articles", json=art, headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = app.post("/api/articles", json=art, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201 and r.json()["added"] == 1 and r.json()["articles"][0]["story"]
    assert app.get("/api/stories").status_code == 200  # reads stay open


def test_serve_refuses_a_public_address_without_a_token(monkeypatch):
    from storycheck import InputError
    from storycheck.web import serve

    monkeypatch.delenv("STORYCHECK_TOKEN", raising=False)
    with pytest.raises(InputError, match="STORYCHECK_TOKEN"):
        serve(host="0.0.0.0", port=9)


def test_hostile_fields_are_escaped_on_every_page(tmp_path):
    app = TestClient(create_app(WebOptions(db=str(tmp_path / "h.db"))))
    wire = json.loads((EXAMPLES / "03_valley_courier.json").read_text())
    r = app.post("/api/articles", json=[wire, HOSTILE])
    assert r.status_code == 201, r.text
    sid = r.json()["articles"][1]["story"]
    pages = {
        "list": app.get("/", params={"q": "Merrow"}),
        "story": app.get(f"/stories/{sid}"),
        "article": app.get("/articles/hostile-1"),
        "story export": app.get(f"/stories/{sid}/report.html"),
        "article export": app.get("/articles/hostile-1/report.html"),
        "compare": app.post("/compare", data={"text": ["<script>alert('form')</script>\n\n" + HOSTILE["text"],
                                                       "Valley\n\n" + wire["text"]]}),
    }
    for name, r in pages.items():
        assert r.status_code == 200, (name, r.text[:300])
        assert "content-security-policy" in r.headers, name
        body = r.text
        assert "<script>alert" not in body, name
        assert "<img src=x onerror" not in body, name
        assert "onerror=\"alert" not in body, name
        assert 'href="javascript:' not in body and "href='javascript:" not in body, name
    assert "&lt;script&gt;alert(&#39;title&#39;)" in pages["article"].text
    assert "javascript:alert" in pages["article"].text  # shown as text, not as a link


def test_html_pages_render(client):
    sid = _story_id(client)
    assert "Larkspur closes Merrow Bridge" in client.get("/").text
    page = client.get(f"/stories/{sid}").text
    assert "Claims × outlets" in page and "Copy families" in page and "/articles/" in page
    assert client.get("/stories/nope").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "storycheck"
    assert client.get("/docs").status_code == 200
    assert "<textarea" in client.get("/compare").text
    doc = client.get(f"/api/stories/{sid}").json()
    liberty = next(a for a in doc["articles"] if a["outlet"] == "Liberty Wire Now")
    assert liberty["headline"]["body_support"]["verdict"] != "supported"
    page = client.get(f"/articles/{liberty['id']}").text
    assert 'class="headline clickbait"' in page and "NOT carried by its own body" in page


# -- a real browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_server(db):
    yield from serve(db)


def test_browser_story_to_article_to_evidence(browser, live_server):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/")
    page.click("text=Larkspur closes Merrow Bridge")
    page.wait_for_selector("table.m")
    if os.environ.get("STORYCHECK_SCREENSHOTS"):
        page.screenshot(path=os.environ["STORYCHECK_SCREENSHOTS"] + "/story-page.png")
    page.click("text=Merrow Bridge Scandal")
    page.wait_for_selector(".s.contradicted")
    assert "Click a highlighted sentence" in page.inner_text("#panel")
    page.click(".s.contradicted >> text=40 cracks")
    panel = page.inner_text("#panel")
    assert "40 cracks" in panel and "14 cracks" in panel and "Evidence" in panel
    page.click("#panel a >> nth=0")  # evidence links lead to the other article, sentence shown
    page.wait_for_selector(".s.active")
    assert page.url.split("#")[1].startswith("s-")
    assert errors == []


def test_language_is_shown_in_lists_columns_and_terminal(client):
    from rich.console import Console

    from storycheck.report import render_story_terminal, render_terminal

    sid = _story_id(client)
    doc = client.get(f"/api/stories/{sid}").json()
    assert {a["language"] for a in doc["articles"]} == {"en"}
    listed = client.get("/api/stories", params={"q": "Merrow"}).json()["stories"][0]
    assert listed["languages"] == ["en"] and "<th>languages</th>" in client.get("/").text
    assert set(doc["story"]["languages"]) == set(doc["story"]["outlets"]) == {a["id"] for a in doc["articles"]}
    page = client.get(f"/stories/{sid}").text
    assert "<th>language</th>" in page and page.count("<td>en</td>") == len(doc["articles"])  # the outlets list
    assert page.count("<span class='lang'>en</span>") == len(doc["articles"])  # the claim × outlet columns
    art = doc["articles"][0]
    assert f"{art['outlet']} · en" in client.get(f"/articles/{art['id']}").text
    con = Console(record=True, width=200)
    render_story_terminal(doc["story"], con)
    render_terminal(doc, con)
    out = con.export_text()
    assert f"{art['outlet']} (en)" in out and f"{art['outlet']} · en · " in out
