from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .._exceptions import EmptyInput, MalformedInput, UnknownFormat, UnreadableInput
from .._types import Article

MAX_BYTES = 20 * 1024 * 1024  # one article file above 20 MB is not an article
_TEXT_EXT = {".txt", ".text", ".md"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_JSON_EXT = {".json"}
_JSONL_EXT = {".jsonl", ".ndjson"}
KNOWN_EXTENSIONS = _TEXT_EXT | _HTML_EXT | _FEED_EXT | _JSON_EXT | _JSONL_EXT


def article_id(text: str, title: str | None = None) -> str:
    """Content hash: the same article always gets the same id, whatever its file name."""
    norm = re.sub(r"\s+", " ", ((title or "") + "\n" + text).strip()).lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableInput("no such file", source=str(path)) from None
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror}", source=str(path)) from None
    if size > MAX_BYTES:
        raise UnreadableInput(f"file is {size} bytes, over the {MAX_BYTES}-byte limit", source=str(path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror}", source=str(path)) from None


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableInput("binary file (NUL bytes), not text", source=source)
    for enc in ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except ImportError:  # pragma: no cover - comes with trafilatura
        best = None
    if best is None or best.encoding is None:
        raise UnreadableInput("not valid UTF-8 and no other text encoding fits", source=source)
    text = str(best)
    bad = sum(1 for c in text[:4000] if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    if bad > 4:
        raise UnreadableInput("binary file, not text", source=source)
    return text


# --- plain text -------------------------------------------------------------

_META = re.compile(
    r"^\s*(date|published|pubdate|outlet|source|site|url|link|author|byline|id|lang|language)"
    r"\s*[:=]?\s+(\S.*?)\s*$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?))?")
_META_KEYS = {"pubdate": "published", "date": "published", "site": "outlet", "source": "outlet",
              "link": "url", "byline": "author", "language": "lang"}


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    m = _ISO_DATE.search(value)
    if m:
        return m.group(1) + ("T" + m.group(2) if m.group(2) else "")
    try:
        import dateparser  # optional: only when installed

        dt = dateparser.parse(value, settings={"STRICT_PARSING": True})
        return dt.isoformat() if dt else None
    except Exception:
        return None


def _headline_like(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 25 and line.rstrip()[-1:] not in ".!?,;:\"”’'"


def parse_text_article(raw: str, *, path: str | None = None) -> Article:
    """A plain-text article: metadata lines, then a title line, then the body.

    The title is the first line when a blank line follows it, or when it reads as a
    headline (short, no closing punctuation) and a paragraph follows.
    """
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        m = _META.match(line)
        if m and (m.group(1).lower() not in ("date", "published", "pubdate") or _iso(m.group(2))):
            key = _META_KEYS.get(m.group(1).lower(), m.group(1).lower())
            meta.setdefault(key, m.group(2))
            i += 1
            continue
        break
    rest = lines[i:]
    title = None
    if rest:
        first = rest[0].strip()
        followed_by_blank = len(rest) > 1 and not rest[1].strip()
        if first and (followed_by_blank or (_headline_like(first) and len(rest) > 1)):
            title = first
            rest = rest[1:]
    body = "\n".join(rest).strip("\n")
    body = body.strip()
    if not body:
        raise EmptyInput("no article text", source=path)
    published = _iso(meta.get("published"))
    given_id = meta.get("id")
    return Article(
        id=given_id or article_id(body, title),
        text=body,
        title=title,
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        published=published,
        path=path,
        meta=meta,
    )


# --- JSON -------------------------------------------------------------------

_FIELDS = ("id", "text", "title", "outlet", "url", "published")


def article_from_record(rec: Any, *, source: str) -> Article:
    if not isinstance(rec, dict):
        raise MalformedInput("expected a JSON object with a 'text' field", source=source)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedInput("missing or empty 'text' field", source=source)
    for key in _FIELDS:
        if rec.get(key) is not None and not isinstance(rec[key], (str, int)):
            raise MalformedInput(f"field '{key}' must be a string", source=source)
    title = rec.get("title")
    text = text.replace("\r\n", "\n").strip()
    given = rec.get("id")
    return Article(
        id=str(given) if given not in (None, "") else article_id(text, title),
        text=text,
        title=str(title) if title else None,
        outlet=str(rec["outlet"]) if rec.get("outlet") else None,
        url=str(rec["url"]) if rec.get("url") else None,
        published=_iso(str(rec["published"])) if rec.get("published") else None,
        path=source.split(":")[0] if source else None,
    )


def _read_json(text: str, source: str) -> list[Article]:
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"invalid JSON at line {exc.lineno}: {exc.msg}", source=source) from None
    if isinstance(rec, list):
        return [article_from_record(r, source=f"{source}[{i}]") for i, r in enumerate(rec)]
    return [article_from_record(rec, source=source)]


def json_lines(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, record, problem) for each non-blank line of a JSONL text."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield n, None, f"invalid JSON: {exc.msg}"


def _read_jsonl(text: str, source: str) -> list[Article]:
    out = []
    for n, rec, problem in json_lines(text):
        if problem:
            raise MalformedInput(f"line {n}: {problem}", source=source)
        art = article_from_record(rec, source=f"{source}:{n}")
        art.path = source
        out.append(art)
    return out


# --- HTML and feeds -----------------------------------------------------------

def _read_html(text: str, source: str) -> list[Article]:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover
        raise UnknownFormat(f"HTML needs trafilatura: {exc}", source=source) from None
    try:
        doc = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as exc:
        raise MalformedInput(f"cannot parse HTML: {exc}", source=source) from None
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise EmptyInput("no article text found in the HTML", source=source)
    title = getattr(doc, "title", None)
    body = body.strip()
    first, _, rest = body.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        body = rest.strip()  # the page's <h1> repeats the title
    return [
        Article(
            id=article_id(body, title),
            text=body,
            title=title,
            outlet=getattr(doc, "sitename", None),
            url=getattr(doc, "url", None),
            published=_precise(text, _iso(getattr(doc, "date", None))),
            path=source,
        )
    ]


_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DATE_META = {"article:published_time", "date", "pubdate", "datepublished", "dc.date", "dc.date.issued", "publish-date"}


def _precise(html: str, day: str | None) -> str | None:
    """trafilatura keeps the day only; a meta tag often has the time and zone, which
    is what tells who published first."""
    for tag in _META_TAG.findall(html[:200_000]):
        attrs = {k.lower(): (v1 or v2) for k, v1, v2 in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _DATE_META:
            full = _iso(attrs.get("content"))
            if full and "T" in full and (day is None or full.startswith(day[:10])):
                return full
    return day


def _strip_tags(html: str) -> str:
    t = re.sub(r"(?is)<(script|style).*?</\1>", " ", html)
    t = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n", t)
    t = re.sub(r"<[^>]+>", " ", t)
    import html as _html

    t = _html.unescape(t)
    return "\n".join(re.sub(r"[ \t]+", " ", ln).strip() for ln in t.splitlines()).strip()


def _read_feed(text: str, source: str) -> list[Article]:
    import feedparser

    feed = feedparser.parse(text)
    if not feed.entries:
        reason = str(feed.get("bozo_exception", "")) or "no entries"
        raise MalformedInput(f"not a readable RSS/Atom feed: {reason}", source=source)
    outlet = feed.feed.get("title") if feed.get("feed") else None
    out = []
    for e in feed.entries:
        content = ""
        if e.get("content"):
            content = " ".join(c.get("value", "") for c in e.content)
        content = content or e.get("summary", "") or e.get("description", "")
        body = _strip_tags(content)
        if not body:
            continue
        title = e.get("title")
        published = None
        for key in ("published_parsed", "updated_parsed"):
            if e.get(key):
                import time as _t

                published = _t.strftime("%Y-%m-%dT%H:%M:%SZ", e[key])
                break
        out.append(
            Article(
                id=str(e.get("id") or article_id(body, title)),
                text=body,
                title=title,
                outlet=outlet,
                url=e.get("link"),
                published=published,
                path=source,
            )
        )
    if not out:
        raise EmptyInput("feed entries carry no text", source=source)
    return out


def _sniff(text: str) -> str:
    head = text.lstrip()[:2000].lower()
    if head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed") or "<rss" in head[:500]:
        if "<rss" in head or "<feed" in head or "<rdf" in head:
            return "feed"
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head:
        return "html"
    if head.startswith("{") or head.startswith("["):
        return "json"
    return "text"


def read_path(path: str | os.PathLike[str]) -> list[Article]:
    """All articles in one file (a feed or JSONL file holds several)."""
    p = Path(path)
    source = str(path)
    if p.is_dir():
        return list(_iter_dir(p))
    ext = p.suffix.lower()
    data = _read_bytes(p)
    if not data.strip():
        raise EmptyInput("empty file", source=source)
    if ext and ext not in KNOWN_EXTENSIONS:
        raise UnknownFormat(
            f"unknown format '{ext}' (expected one of {', '.join(sorted(KNOWN_EXTENSIONS))})",
            source=source,
        )
    text = _decode(data, source)
    if not text.strip():
        raise EmptyInput("empty file", source=source)
    kind = {**{e: "text" for e in _TEXT_EXT}, **{e: "html" for e in _HTML_EXT},
            **{e: "feed" for e in _FEED_EXT}, **{e: "json" for e in _JSON_EXT},
            **{e: "jsonl" for e in _JSONL_EXT}}.get(ext) or _sniff(text)
    if kind == "feed" and ext == ".xml" and _sniff(text) != "feed":
        raise UnknownFormat("XML that is not an RSS/Atom feed", source=source)
    if kind == "text":
        return [parse_text_article(text, path=source)]
    if kind == "html":
        return _read_html(text, source)
    if kind == "feed":
        return _read_feed(text, source)
    if kind == "json":
        return _read_json(text, source)
    return _read_jsonl(text, source)


def _iter_dir(root: Path) -> Iterator[Article]:
    files = sorted(
        f for f in root.rglob("*")
        if f.is_file() and f.suffix.lower() in KNOWN_EXTENSIONS and not f.name.startswith(".")
    )
    if not files:
        raise EmptyInput("folder holds no article files", source=str(root))
    for f in files:
        yield from read_path(f)


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Article]:
    """Read every path; ids already seen (the same article twice) are kept once."""
    seen: dict[str, Article] = {}
    for path in paths:
        for art in read_path(path):
            seen.setdefault(art.id, art)
    return list(seen.values())
