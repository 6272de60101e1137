"""JSON records (a .json file, a JSONL line, an API request) to Articles, checked field by field."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from .._exceptions import MalformedInput
from .._types import Article
from ._options import MAX_ARTICLE_CHARS, MAX_FIELD_CHARS

FIELDS = ("id", "text", "title", "outlet", "url", "published")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?))?")
#: Longest date string handed to dateparser: its cost grows with the input, a date is short.
_DATE_CHARS = 100


def article_id(text: str, title: str | None = None) -> str:
    """Content hash: the same article always gets the same id, whatever its file name."""
    norm = re.sub(r"\s+", " ", ((title or "") + "\n" + text).strip()).lower()
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def iso_date(value: str | None) -> str | None:
    """An ISO date (and time when given) from a date as written, or None."""
    if not value:
        return None
    m = _ISO_DATE.search(value[:_DATE_CHARS])
    if m:
        return m.group(1) + ("T" + m.group(2) if m.group(2) else "")
    if len(value) > _DATE_CHARS:
        return None
    try:
        import dateparser  # type: ignore[import-untyped]  # optional: only when installed

        dt = dateparser.parse(value, settings={"STRICT_PARSING": True})
        return dt.isoformat() if dt else None
    except Exception:  # dateparser raises many kinds on odd strings: no date, not an error
        return None


def loads(text: str | bytes, source: str, *, with_line: bool = True) -> Any:
    """json.loads whose every failure is a MalformedInput (deep nesting and huge numbers included)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"at line {exc.lineno}: {exc.msg}" if with_line else f": {exc.msg}"
    except RecursionError:
        reason = ": nested too deeply"
    except (ValueError, UnicodeDecodeError) as exc:  # an integer of more than 4300 digits, bad UTF-8 bytes
        reason = f": {exc}"
    raise MalformedInput(f"invalid JSON{'' if reason.startswith(':') else ' '}{reason}", source=source or None)


def text_problem(name: str, value: str, limit: int) -> str | None:
    """What makes a text field unusable, or None."""
    if len(value) > limit:
        return f"field '{name}' is {len(value)} characters, over the {limit}-character limit"
    if "\x00" in value:
        return f"field '{name}' holds a NUL character"
    if _SURROGATE.search(value):
        return f"field '{name}' is not valid Unicode (a lone surrogate)"
    return None


def _check_fields(rec: dict[str, Any], source: str, max_chars: int) -> None:
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedInput("missing or empty 'text' field", source=source)
    for key in FIELDS:
        value = rec.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise MalformedInput(f"field '{key}' must be a string", source=source)
        problem = text_problem(key, str(value) if isinstance(value, int) else value,
                               max_chars if key == "text" else MAX_FIELD_CHARS)
        if problem:
            raise MalformedInput(problem, source=source)


def article_from_record(rec: Any, *, source: str, max_chars: int = MAX_ARTICLE_CHARS) -> Article:
    """One article from a JSON object with at least a 'text' field."""
    if not isinstance(rec, dict):
        raise MalformedInput("expected a JSON object with a 'text' field", source=source)
    _check_fields(rec, source, max_chars)
    title = rec.get("title")
    text = rec["text"].replace("\r\n", "\n").strip()
    given = rec.get("id")
    return Article(
        id=str(given) if given not in (None, "") else article_id(text, title),
        text=text,
        title=str(title) if title else None,
        outlet=str(rec["outlet"]) if rec.get("outlet") else None,
        url=str(rec["url"]) if rec.get("url") else None,
        published=iso_date(str(rec["published"])) if rec.get("published") else None,
        path=source.split(":")[0] if source else None,
    )


def json_lines(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, record, problem) for each non-blank line of a JSONL text."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, loads(line, "", with_line=False), None
        except MalformedInput as exc:
            yield n, None, str(exc)
