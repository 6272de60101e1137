"""JSONL archives, streamed line by line: memory holds one line, whatever the file's size."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .._exceptions import InputError, MalformedInput, UnreadableInput
from .._types import Article
from ._options import ReadOptions
from ._records import article_from_record, loads

#: Bytes read at a time while skipping the rest of an over-long line.
_CHUNK = 1 << 20


def _skip_rest(fh: BinaryIO) -> int:
    """Read past the end of the current line; the number of bytes skipped."""
    skipped = 0
    while True:
        part = fh.readline(_CHUNK)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped


def _byte_lines(fh: BinaryIO, encoding: str, limit: int) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, problem) for an encoding where a newline is the byte 0x0A."""
    decode = codecs.getdecoder("utf-8" if encoding == "utf-8-sig" else encoding)
    n = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        n += 1
        if n == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw) + _skip_rest(fh)
            yield n, None, f"line is {size} bytes, over the {limit}-byte limit"
            continue
        try:
            yield n, decode(raw)[0], None
        except UnicodeDecodeError as exc:
            yield n, None, f"not valid {encoding} at byte {exc.start}"


def _wide_lines(fh: BinaryIO, encoding: str, limit: int) -> Iterator[tuple[int, str | None, str | None]]:
    """The same for UTF-16/32, where a newline spans several bytes: a decode error ends the file."""
    text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline=None)
    n = 0
    try:
        while True:
            line = text.readline(limit + 1)
            if not line:
                return
            n += 1
            if len(line) > limit and not line.endswith("\n"):
                while line and not line.endswith("\n"):
                    line = text.readline(_CHUNK)
                yield n, None, f"line is over the {limit}-character limit"
                continue
            yield n, line, None
    except UnicodeDecodeError as exc:
        where = getattr(fh, "name", None)
        raise UnreadableInput(f"line {n + 1}: not valid {encoding} ({exc.reason})", source=where) from None


def iter_jsonl(fh: BinaryIO, source: str, encoding: str, options: ReadOptions) -> Iterator[Article]:
    """Every article of a JSONL stream; a bad line is raised, or reported and skipped."""
    wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    lines = (_wide_lines if wide else _byte_lines)(fh, encoding, options.max_file_bytes)
    for n, line, problem in lines:
        if line is not None and not line.strip():
            continue
        try:
            try:
                rec = None if problem else loads(line or "", "", with_line=False)
            except MalformedInput as exc:
                problem = str(exc)
            if problem:
                raise MalformedInput(f"line {n}: {problem}", source=source)
            art = article_from_record(rec, source=f"{source}:{n}", max_chars=options.max_article_chars)
        except InputError as exc:
            options.bad(exc)
            continue
        art.path = source
        yield art


def read_jsonl_file(path: Path, encoding: str, options: ReadOptions) -> Iterator[Article]:
    with path.open("rb") as fh:
        yield from iter_jsonl(fh, str(path), encoding, options)
