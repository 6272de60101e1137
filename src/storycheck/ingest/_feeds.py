"""RSS and Atom feeds, streamed: one entry in memory at a time, whatever the file's size.

lxml's incremental parser reads the file; each item or entry is turned into an
Article when its end tag arrives and then freed. Entities are never expanded
(no billion laughs), no DTD or external resource is loaded, and the parser
recovers from the broken markup real feeds carry.
"""

from __future__ import annotations

import codecs
import html as _html
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

from .._exceptions import EmptyInput, InputError, MalformedInput, UnreadableInput
from .._types import Article
from ._options import MAX_FIELD_CHARS, ReadOptions
from ._records import article_id, iso_date, text_problem

#: Bytes read from the file per parser request.
_CHUNK = 1 << 16
_ENTRY = {"item", "entry"}
_FEED = {"channel", "feed"}
_BODY = ("encoded", "content", "summary", "description")  # content:encoded first: the whole text
_DATE = ("pubDate", "published", "updated", "date", "issued", "modified")
_BLOCK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>")
_TAG = re.compile(r"<[^>]*>")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _drop_blocks(html: str, name: str) -> str:
    """Remove <script>…</script> and <style>…</style> in one linear pass."""
    out, pos, low = [], 0, html.lower()
    while True:
        start = low.find("<" + name, pos)
        if start < 0:
            break
        end = low.find("</" + name, start)
        out.append(html[pos:start] + " ")
        if end < 0:
            return "".join(out)
        close = low.find(">", end)
        pos = len(html) if close < 0 else close + 1
    out.append(html[pos:])
    return "".join(out)


def strip_tags(html: str) -> str:
    """Plain text of an HTML fragment: block ends become line breaks, entities are decoded."""
    t = _drop_blocks(_drop_blocks(html, "script"), "style")
    t = _TAG.sub(" ", _BLOCK.sub("\n", t))
    t = _html.unescape(t)
    return "\n".join(re.sub(r"[ \t]+", " ", ln).strip() for ln in t.splitlines()).strip()


def _inner(el: Any) -> str:
    """An element's content as markup: escaped HTML stays as it is, inline XHTML is serialised."""
    from lxml import etree  # type: ignore[import-untyped]  # no stubs shipped

    parts = [el.text or ""]
    for child in el:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def _date(value: str) -> str | None:
    value = value.strip()[:200]
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return iso_date(value)
    if dt.tzinfo is not None:
        from datetime import timezone

        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _link(el: Any) -> str | None:
    href = el.get("href")
    if href is not None:
        return href.strip() if el.get("rel") in (None, "alternate") else None
    return (el.text or "").strip() or None


def _fields(entry: Any) -> dict[str, str]:
    """The first of each field an entry carries, by local name."""
    found: dict[str, str] = {}
    for child in entry:
        name = _local(child.tag)
        if name == "link":
            link = _link(child)
            if link and "link" not in found:
                found["link"] = link
        elif name in ("title", "guid", "id") + _BODY + _DATE and name not in found:
            found[name] = _inner(child)
    return found


def _article(entry: Any, outlet: str | None, source: str, options: ReadOptions,
             keep_linked: bool = False) -> Article | None:
    f = _fields(entry)
    body = strip_tags(next((f[k] for k in _BODY if f.get(k, "").strip()), ""))
    if not body and not (keep_linked and f.get("link")):
        return None  # a headline-only item: nothing to check, not an error
    problem = text_problem("text", body, options.max_article_chars)
    title = strip_tags(f["title"]) if f.get("title") else None
    for name, value in (("title", title), ("link", f.get("link"))):
        problem = problem or (text_problem(name, value, MAX_FIELD_CHARS) if value else None)
    if problem:
        raise MalformedInput(problem, source=source)
    given = (f.get("guid") or f.get("id") or "").strip()[:MAX_FIELD_CHARS]
    published = next((_date(f[k]) for k in _DATE if f.get(k, "").strip()), None)
    return Article(id=given or article_id(body or f.get("link", ""), title), text=body, title=title or None,
                   outlet=outlet, url=f.get("link"), published=published, path=source)


def _free(el: Any) -> None:
    """Drop a finished entry and everything before it: memory stays one entry deep."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    while el.getprevious() is not None and parent is not None:
        del parent[0]


class _AsUtf8:
    """A binary stream in any Python codec, read as UTF-8: the parser then needs no codec of its own,
    and the file's encoding is decided by ingest._encoding like every other format's."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder(encoding)()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size if size and size > 0 else _CHUNK)
        return self.decoder.decode(chunk, final=not chunk).encode("utf-8", "surrogatepass")


def iter_feed(fh: BinaryIO, source: str, encoding: str, options: ReadOptions, *,
              keep_linked: bool = False) -> Iterator[Article]:
    """Every article of an RSS/Atom feed read from ``fh`` (bytes in ``encoding``), one at a time.

    ``keep_linked`` also gives a headline-only entry that has a link, with text "" (a fetcher reads
    the linked page); files leave it off: such an entry has nothing to check."""
    from lxml import etree  # type: ignore[import-untyped]  # no stubs shipped

    stream = _AsUtf8(fh, encoding)
    parser = etree.iterparse(stream, events=("end",), encoding="utf-8", resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, recover=True, remove_comments=True, remove_pis=True)
    outlet: str | None = None
    entries = kept = 0
    try:
        for _, el in parser:
            name = _local(el.tag)
            if name == "title" and outlet is None and _local(getattr(el.getparent(), "tag", None)) in _FEED:
                outlet = strip_tags(_inner(el))[:MAX_FIELD_CHARS] or None
            if name not in _ENTRY:
                continue
            entries += 1
            n = entries
            try:
                art = _article(el, outlet, f"{source}[{n}]", options, keep_linked)
            except InputError as exc:
                options.bad(exc)
                art = None
            _free(el)
            if art is not None:
                art.path = source
                kept += 1
                yield art
    except etree.LxmlError as exc:
        raise MalformedInput(f"not a readable RSS/Atom feed: {exc}", source=source) from None
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"not valid {encoding} ({exc.reason})", source=source) from None
    if not entries:
        raise MalformedInput("not a readable RSS/Atom feed: no entries", source=source)
    if not kept:
        raise EmptyInput("feed entries carry no text", source=source)


def read_feed_file(path: Path, encoding: str, options: ReadOptions) -> Iterator[Article]:
    with path.open("rb") as fh:
        yield from iter_feed(fh, str(path), encoding, options)
