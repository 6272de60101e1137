"""A real HTTP server on 127.0.0.1 for the network tests: routes that a test changes
between polls, conditional requests, failures, slow answers and odd charsets.

Fictional outlets and text only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)  # (time, path, headers)
    url: str = ""

    def count(self, path: str) -> int:
        return sum(1 for _, p, _ in self.hits if p == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            site.hits.append((time.monotonic(), self.path, dict(self.headers)))
            r = site.routes.get(self.path)
            if r is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if r.delay:
                time.sleep(r.delay)
            if r.etag and self.headers.get("If-None-Match") == r.etag:
                self.send_response(304)
                self.send_header("ETag", r.etag)
                self.end_headers()
                return
            self.send_response(r.status)
            self.send_header("Content-Type", r.content_type)
            self.send_header("Content-Length", str(len(r.body)))
            if r.etag:
                self.send_header("ETag", r.etag)
            self.end_headers()
            try:
                self.wfile.write(r.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def running(site: Site, host: str = "127.0.0.1") -> Iterator[Site]:
    server = ThreadingHTTPServer((host, 0), _handler(site))
    server.daemon_threads = True
    site.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


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

