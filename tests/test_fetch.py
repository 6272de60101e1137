"""Fetching pages and feeds over HTTP, against a real server on 127.0.0.1 (no network, no mocks)."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import pytest
from feedserver import Reply, Site, running
from feedserver import Route as Fixed

from storycheck.ingest import (
    Fetched,
    Fetcher,
    FetchError,
    FetchOptions,
    ReadOptions,
    feed_entries,
    fetch_articles,
    is_feed,
    linked_article,
    page_article,
)
from storycheck.ingest._fetch import retry_after

Route = Callable[[BaseHTTPRequestHandler], Reply]
#: Fast settings: the file runs in a few seconds; each test raises what it measures.
FAST = FetchOptions(timeout=2.0, retries=2, backoff=0.01, host_delay=0.0)


@pytest.fixture
def site() -> Iterator[Site]:
    with running() as s:
        yield s


def ok(body: bytes | str, ctype: str = "text/html; charset=utf-8", **headers: str) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: (200, {"Content-Type": ctype, **headers}, data)


def page(title: str, *paragraphs: str, extra_head: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title>{extra_head}</head><body>"
            f"<article><h1>{title}</h1>{paras}</article></body></html>")


# --- Fetcher ---------------------------------------------------------------------------------------

def test_conditional_get_gives_304(site):
    stamp = "Tue, 03 Mar 2026 10:00:00 GMT"

    def feed(h: BaseHTTPRequestHandler) -> Reply:
        if h.headers.get("If-None-Match") == '"v1"' or h.headers.get("If-Modified-Since") == stamp:
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "text/plain", "ETag": '"v1"', "Last-Modified": stamp}, b"first version"

    site.routes["/x"] = feed
    fetcher = Fetcher(FAST)
    first = fetcher.get(site.url("/x"))
    assert (first.status, first.body, first.etag, first.last_modified) == (200, b"first version", '"v1"', stamp)
    assert first.content_type == "text/plain" and first.charset is None
    again = fetcher.get(site.url("/x"), etag=first.etag)
    assert (again.status, again.body) == (304, b"")
    by_date = fetcher.get(site.url("/x"), last_modified=first.last_modified)
    assert by_date.status == 304
    agents = {h["User-Agent"] for *_, h in site.hits}
    assert all(a.startswith("storycheck/") for a in agents)


def test_500_is_retried_then_fails(site):
    site.routes["/boom"] = lambda h: (500, {}, b"oops")
    with pytest.raises(FetchError, match="HTTP 500") as err:
        Fetcher(FAST).get(site.url("/boom"))
    assert site.count("/boom") == 3  # one try and two retries
    assert err.value.retryable and err.value.status == 500
    assert err.value.source == site.url("/boom") and "\n" not in str(err.value)
    assert err.value.exit_code == 2


def test_503_then_200_obeys_retry_after(site):
    answers = iter([(503, {"Retry-After": "1"}, b"busy")])
    site.routes["/busy"] = lambda h: next(answers, (200, {"Content-Type": "text/plain"}, b"done"))
    got = Fetcher(FAST).get(site.url("/busy"))
    assert got.body == b"done" and site.count("/busy") == 2
    times = [t for p, t, *_ in site.hits if p == "/busy"]
    assert times[1] - times[0] >= 0.95  # Retry-After: 1 beat the 0.01 s backoff


def test_retry_after_values():
    now = 1_000_000.0
    assert retry_after("5") == 5.0
    assert retry_after("3600") == 60.0  # capped
    assert retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30.0)
    assert retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_slow_answer_times_out_fast(site):
    def slow(h: BaseHTTPRequestHandler) -> Reply:
        time.sleep(3)
        return 200, {}, b"late"

    site.routes["/slow"] = slow
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s") as err:
        Fetcher(FetchOptions(timeout=0.5, retries=1, backoff=0.01, host_delay=0.0)).get(site.url("/slow"))
    assert time.monotonic() - start < 2.0
    assert err.value.retryable and site.count("/slow") == 2


def test_a_trickling_body_is_given_up_on(site):
    # a byte every 0.2 s never trips the 0.5 s read timeout; the body's 1.5 s budget ends it
    site.routes["/drip"] = Fixed(b"x" * 200, trickle=0.2)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"body not received within 1\.5 s") as err:
        Fetcher(FetchOptions(timeout=0.5, retries=0, host_delay=0.0)).get(site.url("/drip"))
    assert time.monotonic() - start < 3.0 and err.value.retryable


def test_404_is_not_retried(site):
    with pytest.raises(FetchError, match="HTTP 404") as err:
        Fetcher(FAST).get(site.url("/missing"))
    assert site.count("/missing") == 1
    assert not err.value.retryable and err.value.status == 404


def test_only_http_urls():
    for url in ("file:///etc/passwd", "ftp://example.org/feed.xml"):
        with pytest.raises(FetchError, match="not http") as err:
            Fetcher(FAST).get(url)
        assert not err.value.retryable
    for url, reason in (("http:///path", "no host"), ("http://127.0.0.1:port/", "bad port"),
                        ("http://" + "a" * 70 + ".example/", "bad URL")):
        with pytest.raises(FetchError, match=reason) as err:
            Fetcher(FAST).get(url)
        assert not err.value.retryable


def test_robots_txt_is_obeyed_and_read_once(site):
    site.routes["/robots.txt"] = ok("User-agent: *\nDisallow: /private\n", "text/plain")
    site.routes["/private/a"] = ok("secret")
    site.routes["/public"] = ok("open")
    fetcher = Fetcher(FAST)
    with pytest.raises(FetchError, match="disallowed by robots.txt") as err:
        fetcher.get(site.url("/private/a"))
    assert not err.value.retryable
    assert fetcher.get(site.url("/public")).body == b"open"
    assert site.count("/private/a") == 0 and site.count("/robots.txt") == 1
    assert Fetcher(FetchOptions(robots=False, host_delay=0.0)).get(site.url("/private/a")).body == b"secret"


def test_robots_crawl_delay_for_our_agent(site):
    site.routes["/robots.txt"] = ok("User-agent: other\nCrawl-delay: 30\n\nUser-agent: storycheck\nCrawl-delay: 1\n",
                                    "text/plain")
    site.routes["/p"] = ok("text")
    fetcher = Fetcher(FetchOptions(host_delay=0.0))
    fetcher.get(site.url("/p"))
    fetcher.get(site.url("/p"))
    first, second = (t for p, t, *_ in site.hits if p == "/p")
    assert second - first >= 0.95


def test_robots_errors(site):
    site.routes["/page"] = ok("text")
    assert Fetcher(FAST).get(site.url("/page")).status == 200  # robots.txt 404: all allowed
    site.routes["/robots.txt"] = lambda h: (503, {}, b"down")
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        Fetcher(FAST).get(site.url("/page"))  # 5xx: nothing allowed
    site.routes["/robots.txt"] = lambda h: (403, {}, b"no")
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        Fetcher(FAST).get(site.url("/page"))


def test_host_delay_per_host_across_threads(site):
    delay = 0.5
    for name in ("/a", "/b", "/c", "/d"):
        site.routes[name] = ok(name)
    fetcher = Fetcher(FetchOptions(host_delay=delay, robots=False))
    urls = [site.url("/a"), site.url("/b"), site.url("/c", "localhost"), site.url("/d", "localhost")]
    threads = [threading.Thread(target=fetcher.get, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_host: dict[str, list[float]] = {}
    for _, t, host, _ in site.hits:
        by_host.setdefault(host.split(":")[0], []).append(t)
    ip, name = sorted(by_host["127.0.0.1"]), sorted(by_host["localhost"])
    assert len(ip) == len(name) == 2
    assert ip[1] - ip[0] >= delay - 0.05 and name[1] - name[0] >= delay - 0.05  # one host: spaced
    assert abs(ip[0] - name[0]) < delay / 2  # two hosts: not serialised


def test_gzip_and_deflate_are_decoded(site):
    text = "The ferry timetable changes on Monday. " * 50

    def packed(h: BaseHTTPRequestHandler) -> Reply:
        assert "gzip" in h.headers.get("Accept-Encoding", "")
        return 200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, gzip.compress(text.encode())

    site.routes["/gz"] = packed
    site.routes["/deflate"] = ok(zlib.compress(text.encode()), "text/plain", **{"Content-Encoding": "deflate"})
    fetcher = Fetcher(FAST)
    assert fetcher.get(site.url("/gz")).body.decode() == text
    assert fetcher.get(site.url("/deflate")).body.decode() == text


def test_redirects_are_followed(site):
    site.routes["/old"] = lambda h: (301, {"Location": "/mid"}, b"")
    site.routes["/mid"] = lambda h: (302, {"Location": site.url("/new", "localhost")}, b"")
    site.routes["/new"] = ok("arrived", "text/plain; charset=UTF-8")
    got = Fetcher(FAST).get(site.url("/old"))
    assert got.url == site.url("/new", "localhost") and got.body == b"arrived"
    assert (got.content_type, got.charset) == ("text/plain", "utf-8")
    site.routes["/loop"] = lambda h: (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        Fetcher(FAST).get(site.url("/loop"))
    assert site.count("/loop") == 6
    site.routes["/away"] = lambda h: (302, {"Location": "ftp://127.0.0.1/x"}, b"")
    with pytest.raises(FetchError, match="not http"):
        Fetcher(FAST).get(site.url("/away"))


def test_oversize_body_is_refused(site):
    site.routes["/big"] = ok(b"x" * 5000, "text/plain")

    def unannounced(h: BaseHTTPRequestHandler) -> Reply:  # no Content-Length: cut off while reading
        return 200, {"Content-Type": "text/plain", "Content-Length": ""}, b"y" * 5000

    site.routes["/big2"] = unannounced
    site.routes["/bomb"] = ok(gzip.compress(b"z" * 100_000), "text/plain", **{"Content-Encoding": "gzip"})
    fetcher = Fetcher(FetchOptions(max_bytes=1024, host_delay=0.0))
    for path in ("/big", "/big2", "/bomb"):
        with pytest.raises(FetchError, match="larger than 1 KB") as err:
            fetcher.get(site.url(path))
        assert not err.value.retryable


# --- pages and feeds -------------------------------------------------------------------------------

RU_TITLE = "Новый мост через реку Сосновку откроют весной"
RU_TEXT = ("Строители завершили укладку пролётов нового моста через реку Сосновку, сообщила городская администрация. "
           "По словам главного инженера Петра Ивашова, движение по мосту откроют в апреле после проверки нагрузки. "
           "Мост длиной четыреста двадцать метров соединит северный район с центром города и сократит дорогу вдвое.")


def test_page_with_wrong_http_charset_reads(site):
    body = page(RU_TITLE, RU_TEXT).encode("cp1251")
    site.routes["/ru"] = ok(body, "text/html; charset=utf-8")
    f = Fetcher(FAST).get(site.url("/ru"))
    assert f.charset == "utf-8"
    art = page_article(f)
    assert "движение по мосту откроют в апреле" in art.text
    assert art.url == site.url("/ru") and art.outlet == "127.0.0.1"
    # the same text at another URL (a syndicated copy) is another article; fetched again, the same one
    site.routes["/ru-copy"] = ok(body, "text/html; charset=utf-8")
    copy = page_article(Fetcher(FAST).get(site.url("/ru-copy")))
    assert copy.text == art.text and copy.id != art.id
    assert page_article(Fetcher(FAST).get(site.url("/ru"))).id == art.id
    # the page's own <meta> lies too, or the server names a code page that decodes the bytes to nonsense
    site.routes["/ru2"] = ok(page(RU_TITLE, RU_TEXT, extra_head='<meta charset="utf-8">').encode("cp1251"))
    site.routes["/ru3"] = ok(body, "text/html; charset=windows-1252")
    for path in ("/ru2", "/ru3"):
        assert "движение по мосту откроют в апреле" in page_article(Fetcher(FAST).get(site.url(path))).text
    # a right legacy label is kept: German in windows-1252 (UTF-8 would not decode it, a guess is weak)
    de = page("Brücke öffnet im April", "Die Brücke über die Sosnowka wird im April für den Verkehr freigegeben, "
              "sagte der Chefingenieur. Die Arbeiten kosteten fast zwei Millionen Euro, die größtenteils die Region trug.")
    site.routes["/de"] = ok(de.encode("cp1252"), "text/html; charset=iso-8859-1")
    assert "größtenteils" in page_article(Fetcher(FAST).get(site.url("/de"))).text


def test_page_with_right_http_charset_and_no_text(site):
    site.routes["/ok"] = ok(page("Harbour crane returns", "The old harbour crane was lifted back onto its rails "
                                 "on Tuesday after a year of repairs, the port authority said. Engineers replaced "
                                 "the gears and the cab, and the crane will load timber again from June."))
    site.routes["/empty"] = ok("<html><body></body></html>")
    fetcher = Fetcher(FAST)
    art = page_article(fetcher.get(site.url("/ok")))
    assert "timber again from June" in art.text and art.title == "Harbour crane returns"
    with pytest.raises(Exception, match=r"/empty: .*no article text") as err:
        page_article(fetcher.get(site.url("/empty")))
    assert getattr(err.value, "exit_code", None) == 2
    site.routes["/scan.pdf"] = ok(b"%PDF-1.7 binary", "application/pdf")
    with pytest.raises(Exception, match=r"scan\.pdf: not a web page \(application/pdf\)"):
        page_article(fetcher.get(site.url("/scan.pdf")))


STORIES = {
    "/news/1": ("Library extends opening hours", "The central library will stay open until nine in the evening "
                "from next month, the city council decided on Wednesday. The change costs forty thousand a year "
                "and was requested by students preparing for exams."),
    "/news/2": ("Tram line seven closes for repairs", "Tram line seven will not run for three weeks while "
                "the tracks on Mill Street are replaced, the transport company said. Replacement buses leave "
                "every ten minutes from the station square."),
    "/news/3": ("Bakery wins regional prize", "A family bakery in the old town won the regional bread prize "
                "for its rye loaf, the jury announced on Saturday. The owners said the recipe has not changed "
                "since their grandmother opened the shop."),
}


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed; items are (title, link, description)."""
    parts = "".join(f"<item><title>{t}</title><link>{link}</link>"
                    + (f"<description>{d}</description>" if d else "") + "</item>" for t, link, d in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Town Crier</title>{parts}</channel></rss>'


def test_feed_gives_linked_pages(site):
    items = [(title, site.url(path) if i else path, "") for i, (path, (title, _)) in enumerate(STORIES.items())]
    site.routes["/feed.xml"] = ok(rss(items), "application/xml")  # generic type: found by sniffing
    for path, (title, text) in STORIES.items():
        site.routes[path] = ok(page(title, text))
    fetcher = Fetcher(FAST)
    arts = fetch_articles(site.url("/feed.xml"), fetcher)
    assert [a.url for a in arts] == [site.url(p) for p in STORIES]  # the first link was relative
    for art, (title, text) in zip(arts, STORIES.values(), strict=True):
        assert art.text == text and art.title == title
        assert art.meta["feed"] == site.url("/feed.xml") and art.outlet == "Town Crier"


def test_feed_entry_text_when_page_fails(site):
    items = [("Pool reopens", "/gone", "The indoor pool reopens on Friday after new tiles were laid."),
             ("Headline only", "/gone-too", "")]
    site.routes["/feed"] = ok(rss(items), "application/rss+xml")
    fetched = Fetcher(FAST).get(site.url("/feed"))
    assert is_feed(fetched)
    entries = feed_entries(fetched)
    assert [e.text for e in entries] == ["The indoor pool reopens on Friday after new tiles were laid.", ""]
    warnings: list[str] = []
    arts = fetch_articles(site.url("/feed"), Fetcher(FAST), ReadOptions(skip_bad=True, warn=warnings.append))
    assert [a.title for a in arts] == ["Pool reopens"]
    assert any("/gone: HTTP 404" in w and "feed's own text" in w for w in warnings)
    assert any("skipped" in w and "/gone-too: HTTP 404" in w for w in warnings)
    with pytest.raises(FetchError, match="/gone-too: HTTP 404"):
        fetch_articles(site.url("/feed"), Fetcher(FAST))


def test_linked_article_retry_later(site):
    site.routes["/busy-page"] = lambda h: (503, {}, b"busy")
    site.routes["/feed"] = ok(rss([("Dam inspection", "/busy-page", "Engineers inspect the dam on Thursday.")]),
                              "application/rss+xml")
    fetcher = Fetcher(FAST)
    (entry,) = feed_entries(fetcher.get(site.url("/feed")))
    with pytest.raises(FetchError, match="HTTP 503") as err:  # a watcher tries the page again next cycle
        linked_article(entry, fetcher)
    assert err.value.retryable
    assert linked_article(entry, fetcher, retry_later=False).text == "Engineers inspect the dam on Thursday."
    site.routes["/busy-page"] = ok(page("Dam inspection finds no cracks", "Engineers inspected the river dam on "
                                        "Thursday and found no cracks in the spillway, the water board said. The "
                                        "next inspection is due in two years."))
    art = linked_article(entry, fetcher)
    assert "no cracks in the spillway" in art.text and art.url == site.url("/busy-page")
    assert art.outlet == "Town Crier"  # the page names no site: the feed's title


def test_is_feed_by_type_and_body():
    def fetched(ctype: str | None, body: bytes) -> Fetched:
        return Fetched("http://h/", 200, body, ctype, None, None, None)

    assert is_feed(fetched("application/atom+xml", b""))
    assert is_feed(fetched("text/xml", b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi --><feed xmlns="x">'))
    assert is_feed(fetched(None, b"<rdf:RDF xmlns:rdf='x'>"))
    assert not is_feed(fetched("text/html", b"<rss>"))
    assert not is_feed(fetched("application/xml", b"<?xml version='1.0'?><sitemap/>"))
