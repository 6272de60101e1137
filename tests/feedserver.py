"""A real HTTP server on 127.0.0.1 for the network tests: routes that a test changes
between polls, conditional requests, failures, slow answers and odd charsets.

Fictional outlets and text only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None  # answer 304 to a request that presents it
    delay: float = 0.0  # seconds before answering (a slow host)
    trickle: float = 0.0  # seconds between the body's bytes (a server that never quite stalls)


Reply = tuple[int, dict[str, str], bytes]
#: What a path answers: a fixed Route, or a function of the request giving (status, headers, body).
Answer = Route | Callable[[BaseHTTPRequestHandler], Reply]


def _reply(r: Route, request: BaseHTTPRequestHandler) -> Reply:
    if r.delay:
        time.sleep(r.delay)
    if r.etag and request.headers.get("If-None-Match") == r.etag:
        return 304, {"ETag": r.etag}, b""
    return r.status, {"Content-Type": r.content_type, "ETag": r.etag or ""}, r.body


class Site:
    """A ThreadingHTTPServer on 127.0.0.1 serving ``routes``; every request is logged in ``hits`` as
    (path, receive time, Host header, headers)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Answer] = {}
        self.hits: list[tuple[str, float, str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                site.hits.append((self.path, time.monotonic(), self.headers.get("Host", ""), dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {}, b"not here"
                else:
                    status, headers, body = _reply(route, self) if isinstance(route, Route) else route(self)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        if v:  # an empty value leaves the header out
                            self.send_header(k, v)
                    if "Content-Length" not in headers and status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if isinstance(route, Route) and route.trickle:
                        for k in range(len(body)):
                            self.wfile.write(body[k:k + 1])
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    else:
                        self.wfile.write(body)
                except OSError:  # the client gave up (the timeout tests)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # quiet test output
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host, self.port = host, self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for p, *_ in self.hits if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running(host: str = "127.0.0.1") -> Iterator[Site]:
    site = Site(host)
    try:
        yield site
    finally:
        site.close()


def page(title: str, outlet: str, published: datetime, paragraphs: list[str], charset: str = "utf-8") -> str:
    """An article page as news sites serve it: navigation, the story, a footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{escape(title)} | {escape(outlet)}</title>'
            f'<meta property="og:site_name" content="{escape(outlet)}">'
            f'<meta property="article:published_time" content="{published.isoformat()}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{escape(title)}</h1>'
            f"{body}</article><footer>© {escape(outlet)}</footer></body></html>")


def rss(outlet: str, items: list[tuple[str, str, datetime, str]]) -> bytes:
    """An RSS 2.0 feed: (title, link, published, summary) per item."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(summary)}</description></item>"
        for t, link, when, summary in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(outlet)}</title>'
            f"<link>http://example.invalid/</link><description>news</description>{entries}</channel></rss>"
            ).encode("utf-8")

