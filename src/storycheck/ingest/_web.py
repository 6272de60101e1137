"""Articles from fetched URLs: a feed's entries, a page's article, or both (a feed's linked pages).

Bytes are decoded as the server's charset says when they decode cleanly under it; else as
ingest._encoding decides for files (BOM, UTF-8, the page's own declaration, detection), so
a page whose server names the wrong charset still reads. Pages go through the same
trafilatura extraction as .html files, feeds through the same streaming parser.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from .._exceptions import EmptyInput, InputError, UnknownFormat
from .._types import Article
from ._encoding import codec, guess
from ._feeds import iter_feed
from ._fetch import Fetched, Fetcher, FetchError
from ._options import ReadOptions
from ._readers import _checked, _decode, _guess, _read_html, parse_text_article
from ._records import article_id

_DEFAULT = ReadOptions()
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/rss",
               "application/x-rss+xml", "application/x-atom+xml"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
#: The root element after an optional XML declaration, comments, processing instructions or a doctype.
_FEED_ROOT = re.compile(rb"^\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*|<!doctype[^>]*>\s*)*<(?:rss|feed|rdf:rdf)\b",
                        re.IGNORECASE | re.DOTALL)
#: Bytes looked at to tell a feed from a page: the root element comes within the first few hundred.
_SNIFF_BYTES = 4096
_UTF = {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


def is_feed(f: Fetched) -> bool:
    """An RSS/Atom/RDF feed, by its media type or, for generic or missing types, by its root element."""
    if f.content_type in _FEED_TYPES:
        return True
    if f.content_type in _HTML_TYPES:
        return False
    return bool(_FEED_ROOT.match(f.body[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")))


def _fits(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _server_charset(f: Fetched) -> str | None:
    """The HTTP charset when the body decodes cleanly under it. A legacy code page decodes almost any bytes,
    so it also loses to valid non-ASCII UTF-8 (servers label every page with a default charset) and to a
    confident guess that reads otherwise (Cyrillic served as windows-1252)."""
    if not f.charset:
        return None
    try:
        name = codec(f.charset)
    except InputError:
        return None
    name = "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name  # as browsers read those labels
    if not _fits(f.body, name):
        return None
    if name in _UTF or f.body.isascii():
        return name
    try:
        found = guess(f.body)
    except InputError:  # NUL bytes: decoding refuses them as binary later
        return name
    if not found.weak and f.body.decode(found.encoding, errors="replace") != f.body.decode(name):
        return None
    return name


def _encoding(f: Fetched, options: ReadOptions) -> str:
    """The codec a fetched body is read in: the user's, the server's when it fits, else the files' rules."""
    if options.encoding:
        return codec(options.encoding, f.url)
    return _server_charset(f) or _guess(f.body, f.url, options).encoding


def feed_entries(f: Fetched, options: ReadOptions | None = None) -> list[Article]:
    """Every entry of a fetched feed, headline-only entries with a link included (text ""); ``url`` is the
    entry's link made absolute, ``meta["feed"]`` the feed's URL."""
    opts = options or _DEFAULT
    out = []
    for art in iter_feed(io.BytesIO(f.body), f.url, _encoding(f, opts), opts, keep_linked=True):
        art.url = urljoin(f.url, art.url) if art.url else None
        art.meta["feed"] = f.url
        out.append(art)
    return out


def _place(art: Article, url: str) -> None:
    """Give a page's article its URL and an id from the URL and the content: the same text at two URLs
    (a syndicated copy) is two articles, which the store links as duplicates, while a page fetched
    again unchanged keeps its id and a changed page gets a new one."""
    art.url = url
    art.id = article_id(art.text, f"{url}\n{art.title or ''}")


def _page(f: Fetched, options: ReadOptions) -> Article:
    ct = f.content_type
    if ct and not (ct.startswith("text/") or ct.endswith("xml") or ct == "application/octet-stream"):
        raise UnknownFormat(f"not a web page ({ct})", source=f.url)  # a PDF or an image: no bytes to decode
    text = _decode(f.body, f.url, replace(options, encoding=_encoding(f, options)))
    if f.content_type == "text/plain":
        art = parse_text_article(text, path=f.url)
    else:
        art = _read_html(text, f.url)
    _place(art, f.url)
    return _checked(art, f.url, options)


def page_article(f: Fetched, options: ReadOptions | None = None) -> Article:
    """The article of one fetched HTML page; ``outlet`` is the site's name, or its host when it names none."""
    art = _page(f, options or _DEFAULT)
    art.outlet = art.outlet or urlsplit(f.url).hostname
    return art


def linked_article(entry: Article, fetcher: Fetcher, options: ReadOptions | None = None, *,
                   retry_later: bool = True) -> Article:
    """The page a feed entry links to, with what the entry knows filling the gaps (title, date, outlet),
    ``url`` the entry's link. When the page fails or has no text, the entry itself if it has text, else
    the error is raised. ``retry_later``: a failure that may pass (timeout, 5xx) is raised even then, so
    that a watcher tries the page again next cycle rather than keep the feed's teaser."""
    opts = options or _DEFAULT
    if not entry.url:
        raise EmptyInput("feed entry without a link", source=entry.path)
    try:
        fetched = fetcher.get(entry.url)
        page = _page(fetched, opts)
    except InputError as exc:
        if not entry.text or (retry_later and isinstance(exc, FetchError) and exc.retryable):
            raise
        opts.note(f"{exc}; using the feed's own text")
        return entry
    if fetched.url != entry.url:
        page.meta["final_url"] = fetched.url
    _place(page, entry.url)
    page.title = page.title or entry.title
    page.published = page.published or entry.published
    page.outlet = page.outlet or entry.outlet or urlsplit(fetched.url).hostname
    if "feed" in entry.meta:
        page.meta["feed"] = entry.meta["feed"]
    return page


def fetch_articles(url: str, fetcher: Fetcher, options: ReadOptions | None = None) -> list[Article]:
    """The articles at ``url``: a page gives its article; a feed gives, for each entry with a link, the
    linked page's article (or the entry's own text when the page gives none), and entries without a
    link as they are. A bad entry is raised, or reported and skipped with ``options.skip_bad``.
    A URL that cannot be fetched raises FetchError."""
    opts = options or _DEFAULT
    fetched = fetcher.get(url)
    if not is_feed(fetched):
        return [page_article(fetched, opts)]
    out = []
    for entry in feed_entries(fetched, opts):
        try:
            out.append(linked_article(entry, fetcher, opts, retry_later=False) if entry.url else entry)
        except InputError as exc:
            opts.bad(exc)
    return out
