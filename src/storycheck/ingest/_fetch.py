"""HTTP(S) GET for feeds and pages, with the manners a crawler owes a site.

Standard library only (urllib): conditional requests, gzip/deflate, at most five
redirects (each hop checked like a first request), robots.txt per host (RFC 9309,
cached), a least gap between two requests to one host, and retries with backoff on
the failures that pass (connection errors, timeouts, 408, 429, 5xx). A Fetcher is
shared by threads: the per-host gap holds across them, and hosts never wait for
each other.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from .._exceptions import InputError
from .._version import __version__

_AGENT = f"storycheck/{__version__}"
_REDIRECTS = {301, 302, 303, 307, 308}
#: RFC 9110 allows a client to stop after a few redirects; five covers http->https->www->path chains.
MAX_REDIRECTS = 5
#: A Retry-After is obeyed up to a minute: a longer wait would stall a watch cycle; the next cycle tries again.
MAX_RETRY_AFTER = 60.0
#: RFC 9309 asks crawlers not to use a cached robots.txt for more than 24 hours.
ROBOTS_TTL = 24 * 3600.0
#: A robots.txt we could not get (5xx, no connection) is asked for again after ten minutes,
#: so a passing outage neither blocks a host for a day nor costs a robots request per page.
ROBOTS_RETRY_TTL = 600.0
_CHUNK = 1 << 16
#: The whole body must arrive within this many request timeouts (30 s by default): a news page or
#: feed takes well under a second; a server that trickles bytes is given up on.
BODY_TIMEOUTS = 3


@dataclass(frozen=True)
class FetchOptions:
    #: Names the tool and its version, so robots.txt rules and site operators can address it.
    user_agent: str = _AGENT
    #: Seconds per request, applied to the connect and to each read: a news site answers in well under
    #: a second, ten covers a slow one, and a dead host does not stall a watch cycle for minutes.
    timeout: float = 10.0
    #: Further tries after a connection error, timeout, 408, 429 or 5xx: two ride out a restart or a blip.
    retries: int = 2
    #: Seconds before the first retry, doubled each retry (1 s, 2 s); a 429/503 Retry-After wins.
    backoff: float = 1.0
    #: Least seconds between the starts of two requests to one host: one a second is the usual courtesy
    #: rate; a larger robots.txt Crawl-delay for our agent wins.
    host_delay: float = 1.0
    #: A body larger than 5 MiB is no news page or feed (big pages are ~2 MB with markup): refused.
    max_bytes: int = 5 << 20
    #: Obey robots.txt: a site's operator decides what a crawler may read.
    robots: bool = True


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    status: int  # 200 (or another 2xx) or 304; a 304 has body b""
    body: bytes  # decoded from gzip/deflate
    content_type: str | None  # media type without parameters, lower case
    charset: str | None  # Content-Type's charset parameter, lower case
    etag: str | None
    last_modified: str | None


class FetchError(InputError):
    """A URL could not be fetched; ``retryable`` says whether trying again later may help."""

    def __init__(self, reason: str, *, source: str | None = None, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason, source=source)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: the Fetcher follows them itself, politely, hop by hop."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _size(n: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta seconds or an HTTP date), capped; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, when - (time.time() if now is None else now)), MAX_RETRY_AFTER)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched as it is written (not http(s), no host, a bad port), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket
        return "malformed URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "not http(s)"
    try:
        if not parts.hostname or (parts.port or 1) < 1:
            return "no host in the URL"
    except ValueError:  # a port that is not a number, or out of range
        return "bad port in the URL"
    return None


def _check_url(url: str) -> None:
    problem = url_problem(url)
    if problem:
        raise FetchError(problem, source=url)


def _media(headers: Message) -> tuple[str | None, str | None]:
    if headers.get("Content-Type") is None:
        return None, None
    charset = headers.get_content_charset()
    return headers.get_content_type().lower(), charset.lower() if charset else None


def _inflate(data: bytes, encoding: str, limit: int, url: str) -> bytes:
    """gzip/deflate content decoded, never beyond ``limit`` bytes (a small bomb stays small)."""
    if encoding in ("", "identity"):
        return data
    # 32+: zlib or gzip header; -15: raw deflate, which some servers send as "deflate"
    modes = (47,) if encoding in ("gzip", "x-gzip") else (15, -15) if encoding == "deflate" else ()
    if not modes:
        raise FetchError(f"unsupported Content-Encoding '{encoding}'", source=url)
    for wbits in modes:
        try:
            d = zlib.decompressobj(wbits)
            out = d.decompress(data, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit:
            raise FetchError(f"larger than {_size(limit)}", source=url)
        return out
    raise FetchError(f"broken {encoding} content", source=url)


class _Robots:
    """One host's rules: a parsed robots.txt, or allow/disallow all, until ``expires``."""

    def __init__(self, parser: urllib.robotparser.RobotFileParser | None, allow: bool, expires: float) -> None:
        self.parser, self.allow, self.expires = parser, allow, expires

    def can_fetch(self, agent: str, url: str) -> bool:
        return self.parser.can_fetch(agent, url) if self.parser is not None else self.allow

    def delay(self, agent: str) -> float:
        found = self.parser.crawl_delay(agent) if self.parser is not None else None
        return float(found) if found else 0.0


@dataclass(frozen=True)
class _Reply:
    url: str
    status: int
    headers: Message
    body: bytes


class Fetcher:
    """GETs URLs politely; one instance may be shared by threads."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self._opener = urllib.request.build_opener(_NoRedirect())
        self._lock = threading.Lock()  # guards the three dicts below
        self._next: dict[str, float] = {}  # host -> monotonic time its next request may start
        self._robots: dict[str, _Robots] = {}  # scheme://host -> its rules
        self._robot_locks: dict[str, threading.Lock] = {}  # one robots.txt request per host at a time

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Conditional GET (If-None-Match / If-Modified-Since when given), gzip/deflate accepted and decoded,
        redirects followed (at most 5, http/https only), per-host politeness, robots, retries with backoff."""
        headers = {"Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        reply = self._follow(url, headers, obey=self.options.robots, retries=self.options.retries)
        content_type, charset = _media(reply.headers)
        return Fetched(url=reply.url, status=reply.status, body=reply.body, content_type=content_type,
                       charset=charset, etag=reply.headers.get("ETag"),
                       last_modified=reply.headers.get("Last-Modified"))

    def close(self) -> None:
        """Forget the hosts' robots.txt rules (urllib keeps no connection open between requests)."""
        with self._lock:
            self._robots.clear()

    # --- one URL, its redirects and retries -------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], *, obey: bool, retries: int) -> _Reply:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _check_url(current)
            if obey and not self._rules(current).can_fetch(self.options.user_agent, current):
                raise FetchError("disallowed by robots.txt", source=current)
            reply = self._retried(current, headers, retries)
            location = reply.headers.get("Location")
            if reply.status not in _REDIRECTS:
                return reply
            if not location:
                raise FetchError(f"HTTP {reply.status} redirect without a Location", source=current,
                                 status=reply.status)
            current = urljoin(current, location.strip())
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", source=url)

    def _retried(self, url: str, headers: dict[str, str], retries: int) -> _Reply:
        for attempt in range(retries + 1):
            try:
                return self._once(url, headers)
            except FetchError as exc:
                if not exc.retryable or attempt == retries:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else self.options.backoff * 2 ** attempt
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str]) -> _Reply:
        o = self.options
        self._wait(url)
        request = urllib.request.Request(url, headers={"User-Agent": o.user_agent, **headers})
        try:
            with self._open(request, url) as resp:
                status = resp.getcode()
                if status >= 400:
                    later = retry_after(resp.headers.get("Retry-After")) if status in (429, 503) else None
                    raise FetchError(f"HTTP {status}", source=url, status=status, retry_after=later,
                                     retryable=status in (408, 429) or status >= 500)
                body = b"" if status in _REDIRECTS or status == 304 else self._body(resp, url)
                return _Reply(url, status, resp.headers, body)
        except (TimeoutError, http.client.HTTPException, OSError) as exc:  # while reading the body
            raise self._broken(exc, url) from None
        except ValueError as exc:  # a host name IDNA cannot encode, a URL http.client refuses
            raise FetchError(f"bad URL ({exc})", source=url) from None

    def _open(self, request: urllib.request.Request, url: str) -> http.client.HTTPResponse:
        try:
            resp: http.client.HTTPResponse = self._opener.open(request, timeout=self.options.timeout)
            return resp
        except urllib.error.HTTPError as exc:
            return exc  # type: ignore[return-value]  # an HTTP error status is an answer, read like one
        except urllib.error.URLError as exc:
            reason = exc.reason
            raise self._broken(reason if isinstance(reason, BaseException) else OSError(reason), url) from None

    def _broken(self, exc: BaseException, url: str) -> FetchError:
        if isinstance(exc, TimeoutError):
            return FetchError(f"timed out after {self.options.timeout:g} s", source=url, retryable=True)
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        # a certificate that does not verify will not verify a second later
        return FetchError(f"cannot connect: {reason}", source=url,
                          retryable=not isinstance(exc, ssl.SSLCertVerificationError))

    def _body(self, resp: http.client.HTTPResponse, url: str) -> bytes:
        limit = self.options.max_bytes
        length = resp.headers.get("Content-Length", "")
        if length.strip().isdigit() and int(length) > limit:
            raise FetchError(f"larger than {_size(limit)}", source=url)
        # read what arrives, a chunk at a time: a server trickling a byte just under every timeout
        # would otherwise hold the request for ever; the whole body gets BODY_TIMEOUTS timeouts
        deadline = time.monotonic() + BODY_TIMEOUTS * self.options.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := resp.read1(min(_CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FetchError(f"larger than {_size(limit)}", source=url)
            if time.monotonic() > deadline:
                raise FetchError(f"body not received within {BODY_TIMEOUTS * self.options.timeout:g} s",
                                 source=url, retryable=True)
        return _inflate(b"".join(chunks), resp.headers.get("Content-Encoding", "").strip().lower(), limit, url)

    # --- politeness and robots.txt ----------------------------------------------------------

    def _wait(self, url: str) -> None:
        """Sleep until this host may be asked again and book the next slot; other hosts are not held up."""
        host = _host(url)
        rules = self._robots.get(_origin(url))
        delay = max(self.options.host_delay, rules.delay(self.options.user_agent) if rules else 0.0)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + delay
        if start > now:
            time.sleep(start - now)

    def _rules(self, url: str) -> _Robots:
        origin = _origin(url)
        with self._lock:
            lock = self._robot_locks.setdefault(origin, threading.Lock())
        with lock:
            rules = self._robots.get(origin)
            if rules is None or rules.expires < time.monotonic():
                rules = self._fetch_robots(origin)
                with self._lock:
                    self._robots[origin] = rules
        return rules

    def _fetch_robots(self, origin: str) -> _Robots:
        """RFC 9309: a 404/410 (any 4xx but 401/403/429) allows all; 401/403 disallow all; 5xx and 429
        disallow all until ROBOTS_RETRY_TTL; a robots.txt that cannot be reached at all allows all, asked for
        again after ROBOTS_RETRY_TTL."""
        now = time.monotonic()
        try:
            reply = self._follow(origin + "/robots.txt", {"Accept-Encoding": "gzip, deflate"}, obey=False,
                                 retries=0)
        except FetchError as exc:
            if exc.status is None or exc.status >= 500 or exc.status == 429:
                return _Robots(None, exc.status is None, now + ROBOTS_RETRY_TTL)
            return _Robots(None, exc.status not in (401, 403), now + ROBOTS_TTL)
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        parser.parse(reply.body.decode("utf-8", errors="replace").splitlines())
        return _Robots(parser, True, now + ROBOTS_TTL)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
