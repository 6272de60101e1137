from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .._exceptions import EmptyInput, InputError, MalformedInput, UnknownFormat, UnreadableInput
from .._types import Article
from ._encoding import SAMPLE_BYTES, Guess, decode, guess
from ._feeds import read_feed_file
from ._jsonl import read_jsonl_file
from ._options import MAX_FILE_BYTES, ReadOptions
from ._records import article_from_record, article_id, iso_date, loads, text_problem

MAX_BYTES = MAX_FILE_BYTES  # the name earlier versions exported
_TEXT_EXT = {".txt", ".text", ".md"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_JSON_EXT = {".json"}
_JSONL_EXT = {".jsonl", ".ndjson"}
KNOWN_EXTENSIONS = _TEXT_EXT | _HTML_EXT | _FEED_EXT | _JSON_EXT | _JSONL_EXT
_KIND = {**{e: "text" for e in _TEXT_EXT}, **{e: "html" for e in _HTML_EXT}, **{e: "feed" for e in _FEED_EXT},
         **{e: "json" for e in _JSON_EXT}, **{e: "jsonl" for e in _JSONL_EXT}}
_DEFAULT = ReadOptions()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        raise UnreadableInput("no such file", source=str(path)) from None
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror}", source=str(path)) from None


def _read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    size = _size(path)
    if size > limit:
        raise UnreadableInput(f"file is {size} bytes, over the {limit}-byte limit", source=str(path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror}", source=str(path)) from None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror}", source=str(path)) from None


def _guess(data: bytes, source: str, options: ReadOptions, *, partial: bool = False) -> Guess:
    found = guess(data, partial=partial, override=options.encoding, source=source)
    if found.weak:
        options.note(f"{source}: encoding guessed as {found.encoding}, "
                     "a weak guess (pass --encoding if the text is wrong)")
    return found


def _decode(data: bytes, source: str, options: ReadOptions = _DEFAULT) -> str:
    """The text of a whole file, in the encoding ingest._encoding decides."""
    text = decode(data, _guess(data, source, options), source)
    bad = sum(1 for c in text[:4000] if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    if bad > 4 or "\x00" in text:
        raise UnreadableInput("binary file, not text", source=source)
    return text


# --- plain text -------------------------------------------------------------

_META = re.compile(
    r"^\s*(date|published|pubdate|outlet|source|site|url|link|author|byline|id|lang|language)"
    r"(?:\s*[:=]\s*|\s+)(\S.*)$",  # no nested optional spaces: linear on a line of blanks
    re.IGNORECASE,
)
_META_KEYS = {"pubdate": "published", "date": "published", "site": "outlet", "source": "outlet",
              "link": "url", "byline": "author", "language": "lang"}


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
        if m and (m.group(1).lower() not in ("date", "published", "pubdate") or iso_date(m.group(2))):
            key = _META_KEYS.get(m.group(1).lower(), m.group(1).lower())
            meta.setdefault(key, m.group(2).rstrip())
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
    published = iso_date(meta.get("published"))
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


# --- HTML -----------------------------------------------------------

def _read_html(text: str, source: str) -> Article:
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
    return Article(
        id=article_id(body, title),
        text=body,
        title=title,
        outlet=getattr(doc, "sitename", None),
        url=getattr(doc, "url", None),
        published=_precise(text, iso_date(getattr(doc, "date", None))),
        path=source,
    )


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
            full = iso_date(attrs.get("content"))
            if full and "T" in full and (day is None or full.startswith(day[:10])):
                return full
    return day


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


# --- JSON -------------------------------------------------------------------

def _read_json(text: str, source: str, options: ReadOptions) -> Iterator[Article]:
    rec = loads(text, source)
    items = rec if isinstance(rec, list) else [rec]
    for i, r in enumerate(items):
        where = f"{source}[{i}]" if isinstance(rec, list) else source
        try:
            yield article_from_record(r, source=where, max_chars=options.max_article_chars)
        except InputError as exc:
            options.bad(exc)


# --- dispatch -------------------------------------------------------------------

def _checked(art: Article, source: str, options: ReadOptions) -> Article:
    """A single-article format's article, held to the per-article limits."""
    for name, value in (("text", art.text), ("title", art.title)):
        problem = value and text_problem(name, value, options.max_article_chars)
        if problem:
            raise MalformedInput(problem, source=source)
    return art


def _kind(p: Path, head: str) -> str:
    ext = p.suffix.lower()
    if ext and ext not in KNOWN_EXTENSIONS:
        raise UnknownFormat(
            f"unknown format '{ext}' (expected one of {', '.join(sorted(KNOWN_EXTENSIONS))})", source=str(p))
    kind = _KIND.get(ext) or _sniff(head)
    if kind == "feed" and ext == ".xml" and _sniff(head) != "feed":
        raise UnknownFormat("XML that is not an RSS/Atom feed", source=str(p))
    return kind


def _streamed(p: Path, options: ReadOptions) -> tuple[str, str] | None:
    """(kind, encoding) for a JSONL file or a feed, decided from its first bytes; None for other formats."""
    source = str(p)
    _size(p)
    if _KIND.get(p.suffix.lower()) not in ("jsonl", "feed"):
        return None
    head = _head(p)
    if not head.strip():
        raise EmptyInput("empty file", source=source)
    found = _guess(head, source, options, partial=True)
    kind = _kind(p, head.decode(found.encoding, errors="replace"))
    return kind, found.encoding


def _iter_file(p: Path, options: ReadOptions) -> Iterator[Article]:
    source = str(p)
    streamed = _streamed(p, options)
    if streamed is not None:
        kind, encoding = streamed
        if kind == "jsonl":
            yield from read_jsonl_file(p, encoding, options)
        else:
            yield from read_feed_file(p, encoding, options)
        return
    data = _read_bytes(p, options.max_file_bytes)
    if not data.strip():
        raise EmptyInput("empty file", source=source)
    _kind(p, "")  # an unknown extension is refused before decoding
    text = _decode(data, source, options)
    if not text.strip():
        raise EmptyInput("empty file", source=source)
    kind = _kind(p, text)
    if kind == "json":
        yield from _read_json(text, source, options)
    elif kind == "text":
        yield _checked(parse_text_article(text, path=source), source, options)
    elif kind == "html":
        yield _checked(_read_html(text, source), source, options)
    else:  # a feed or JSONL without its extension: parse the text already read
        import io

        from ._feeds import iter_feed
        from ._jsonl import iter_jsonl

        reader = iter_jsonl if kind == "jsonl" else iter_feed
        yield from reader(io.BytesIO(text.encode("utf-8")), source, "utf-8", options)


def _files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = sorted(
        f for f in path.rglob("*")
        if f.is_file() and f.suffix.lower() in KNOWN_EXTENSIONS and not f.name.startswith(".")
    )
    if not files:
        raise EmptyInput("folder holds no article files", source=str(path))
    return files


def iter_paths(paths: Iterable[str | os.PathLike[str]], options: ReadOptions | None = None) -> Iterator[Article]:
    """Every article in ``paths`` (files or folders), one at a time, in file order.

    A bad file or article raises an InputError naming it, or is reported through
    ``options.warn`` and skipped when ``options.skip_bad``. JSONL files and feeds
    are streamed, so memory does not grow with their size.
    """
    opts = options or _DEFAULT
    for path in paths:
        try:
            files = _files(Path(path))
        except InputError as exc:
            opts.bad(exc)
            continue
        for f in files:
            try:
                yield from _iter_file(f, opts)
            except InputError as exc:
                opts.bad(exc)


def read_path(path: str | os.PathLike[str], options: ReadOptions | None = None) -> list[Article]:
    """All articles in one file or folder (a feed or JSONL file holds several)."""
    return list(iter_paths([path], options))


def read_paths(paths: Iterable[str | os.PathLike[str]], options: ReadOptions | None = None) -> list[Article]:
    """Read every path; ids already seen (the same article twice) are kept once."""
    seen: dict[str, Article] = {}
    for art in iter_paths(paths, options):
        seen.setdefault(art.id, art)
    if not seen and options is not None and options.skip_bad:
        raise EmptyInput("no article left after skipping the bad ones",
                         source=", ".join(str(p) for p in paths) if isinstance(paths, list) else None)
    return list(seen.values())
