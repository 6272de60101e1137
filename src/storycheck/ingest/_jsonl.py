"""JSONL archives, streamed line by line: memory holds one line's fields that are read, whatever the file's size.

A line up to 1 MiB (and under the limit) is parsed whole. A longer one is scanned piece by piece: the
values of the fields an article is made of (id, title, text, outlet, url, published) are kept, up to
the limit together, and every other value (a crawl's 25 MB ``raw_html``) is checked as JSON and
passed over without being kept. Either way a bad line is one problem naming it.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from .._exceptions import InputError, MalformedInput, UnreadableInput
from .._types import Article
from ._options import ReadOptions
from ._records import FIELDS, article_from_record, loads

#: Bytes (characters for UTF-16/32) read at a time from a line that is scanned.
_CHUNK = 1 << 20
#: A line up to this size is parsed whole; a longer one is scanned, keeping only the fields read.
_WHOLE = 1 << 20
#: A key longer than this, as written, is none of the fields read: it is passed over, not kept.
_KEY_CHARS = 256
#: Nesting of arrays and objects in a value passed over (json.loads stops near here too).
_MAX_DEPTH = 1000

_WS = re.compile(r"[ \t\n\r]*")
#: The body of a JSON string: no quote, backslash or control character except in a valid escape.
_STRING = re.compile(r'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*')
_DIGITS = re.compile(r"[0-9]*")
_BLANK = object()


class _Bad(Exception):
    """What is wrong with the line, in one line."""


class _Pieces(Protocol):
    def next(self) -> str: ...  # the line's next piece of text; "" at its end
    def drain(self) -> None: ...  # read past the line's end


def _skip_rest(fh: BinaryIO) -> int:
    """Read past the end of the current line; the number of bytes skipped."""
    skipped = 0
    while True:
        part = fh.readline(_CHUNK)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped


class _BytePieces:
    """A line of a file whose newline is the byte 0x0A, decoded piece by piece."""

    def __init__(self, fh: BinaryIO, encoding: str, first: bytes) -> None:
        self.fh, self.encoding = fh, encoding
        self.pending: bytes | None = first
        self.decoder = codecs.getincrementaldecoder(encoding)("strict")
        self.ended = False
        self.read = 0

    def next(self) -> str:
        while not self.ended:
            raw = self.pending if self.pending is not None else self.fh.readline(_CHUNK)
            self.pending = None
            self.ended = not raw or raw.endswith(b"\n")
            try:
                text = self.decoder.decode(raw, final=self.ended)
            except UnicodeDecodeError as exc:
                raise _Bad(f"not valid {self.encoding} at byte {max(0, self.read + exc.start)}") from None
            finally:
                self.read += len(raw)
            if text:
                return text
        return ""

    def drain(self) -> None:
        if not self.ended:
            _skip_rest(self.fh)
            self.ended = True


class _TextPieces:
    """A line of a UTF-16/32 file (decoded by a TextIOWrapper), piece by piece."""

    def __init__(self, text: io.TextIOWrapper, first: str) -> None:
        self.text, self.ended = text, False
        self.pending: str | None = first

    def next(self) -> str:
        if self.ended:
            return ""
        piece = self.pending if self.pending is not None else self.text.readline(_CHUNK)
        self.pending = None
        self.ended = not piece or piece.endswith("\n")
        return piece

    def drain(self) -> None:
        while not self.ended:
            self.next()


class _Scanner:
    """One JSONL line checked as JSON piece by piece; the values of the fields read are kept, up to ``limit``
    (measured by ``measure``, in ``unit``s) together, and nothing else is."""

    def __init__(self, pieces: _Pieces, limit: int, measure: Callable[[str], int], unit: str) -> None:
        self.src, self.limit, self.measure, self.unit = pieces, limit, measure, unit
        self.buf, self.pos, self.end = "", 0, False
        self.keeping = False
        self.kept: list[str] = []
        self.kept_from = 0
        self.kept_size = 0
        self.cap = 0

    # -- the text, piece by piece ----------------------------------------------------------------------------
    def _more(self) -> bool:
        """Append the line's next piece, dropping what was consumed (saved first when kept); False at the end."""
        if self.end:
            return False
        piece = self.src.next()
        if not piece:
            self.end = True
            return False
        if self.keeping:
            self._save(self.pos)
            self.kept_from = 0
        self.buf = self.buf[self.pos:] + piece
        self.pos = 0
        return True

    def _peek(self) -> str:
        while self.pos >= len(self.buf):
            if not self._more():
                return ""
        return self.buf[self.pos]

    def _ahead(self, n: int) -> str:
        while len(self.buf) - self.pos < n and self._more():
            pass
        return self.buf[self.pos : self.pos + n]

    def _ws(self) -> None:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]  # matches the empty string
            if self.pos < len(self.buf) or not self._more():
                return

    def _expect(self, char: str, problem: str) -> None:
        self._ws()
        if self._peek() != char:
            raise _Bad(f"invalid JSON: {problem}")
        self.pos += 1

    # -- keeping a value ---------------------------------------------------------------------------------------
    def _save(self, upto: int) -> None:
        part = self.buf[self.kept_from : upto]
        self.kept_size += self.measure(part)
        if self.kept_size <= self.cap:
            self.kept.append(part)
        else:
            self.kept.clear()  # over: only counted from here on

    def _keep(self, cap: int) -> None:
        self.keeping, self.kept, self.kept_from, self.kept_size, self.cap = True, [], self.pos, 0, cap

    def _kept(self) -> str | None:
        """The text kept since ``_keep``; None when it went over its cap (``kept_size`` still says how much)."""
        self._save(self.pos)
        self.keeping = False
        return "".join(self.kept) if self.kept_size <= self.cap else None

    # -- JSON --------------------------------------------------------------------------------------------------
    def _string(self) -> None:
        """Past a string whose opening quote is consumed."""
        while True:
            self.pos = _STRING.match(self.buf, self.pos).end()  # type: ignore[union-attr]  # matches the empty string
            c = self.buf[self.pos] if self.pos < len(self.buf) else ""
            if c == '"':
                self.pos += 1
                return
            if not c or c == "\n":  # the piece's end, or the line's
                if c or not self._more():
                    raise _Bad("invalid JSON: Unterminated string")
            elif c == "\\":
                if not (len(self.buf) - self.pos < 6 and self._more()):  # an escape cut by the piece's end
                    raise _Bad("invalid JSON: Invalid \\escape")
            else:
                raise _Bad("invalid JSON: Invalid control character in a string")

    def _digits(self) -> int:
        n = 0
        while True:
            end = _DIGITS.match(self.buf, self.pos).end()  # type: ignore[union-attr]  # matches the empty string
            n += end - self.pos
            self.pos = end
            if end < len(self.buf) or not self._more():
                return n

    def _number(self) -> None:
        if self._peek() == "-":
            self.pos += 1
            if self._ahead(8) == "Infinity":
                self.pos += 8
                return
        c = self._peek()
        if c == "0":
            self.pos += 1
        elif c and c in "123456789":
            self._digits()
        else:
            raise _Bad("invalid JSON: Expecting value")
        if self._peek() == ".":
            self.pos += 1
            if not self._digits():
                raise _Bad("invalid JSON: Expecting digits after '.'")
        if self._peek() in ("e", "E"):
            self.pos += 1
            if self._peek() in ("+", "-"):
                self.pos += 1
            if not self._digits():
                raise _Bad("invalid JSON: Expecting digits in an exponent")

    def _member_name(self) -> None:
        self._expect('"', "Expecting property name enclosed in double quotes")
        self._string()
        self._expect(":", "Expecting ':' delimiter")

    def _value(self) -> None:
        """Past one JSON value of any size, checked but not kept (unless ``_keep`` is on)."""
        closers: list[str] = []
        while True:
            self._ws()
            c = self._peek()
            if c == '"':
                self.pos += 1
                self._string()
            elif c in ("{", "["):
                self.pos += 1
                close = "}" if c == "{" else "]"
                self._ws()
                if self._peek() == close:
                    self.pos += 1
                else:
                    if len(closers) >= _MAX_DEPTH:
                        raise _Bad("invalid JSON: nested too deeply")
                    closers.append(close)
                    if close == "}":
                        self._member_name()
                    continue
            elif c and c in "-0123456789":
                self._number()
            else:
                for word in ("true", "false", "null", "NaN", "Infinity"):
                    if c == word[0] and self._ahead(len(word)) == word:
                        self.pos += len(word)
                        break
                else:
                    raise _Bad("invalid JSON: Expecting value")
            while closers:  # a value ended: close what it ended, or go on to the next member
                self._ws()
                c = self._peek()
                if c == ",":
                    self.pos += 1
                    if closers[-1] == "}":
                        self._member_name()
                    break
                if c != closers[-1]:
                    raise _Bad("invalid JSON: Expecting ',' delimiter")
                self.pos += 1
                closers.pop()
            else:
                return

    def record(self) -> Any:
        """The line's record holding only the fields read (or the line's value when it is no object); _BLANK."""
        self._ws()
        if not self._peek():
            return _BLANK
        if self._peek() != "{":
            self._value()
            self._ws()
            if self._peek():
                raise _Bad("invalid JSON: Extra data")
            return []  # valid JSON, but no object: article_from_record says so
        self.pos += 1
        kept: list[tuple[str, str]] = []
        sizes: dict[str, int] = {}
        self._ws()
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                self._ws()
                if self._peek() != '"':
                    raise _Bad("invalid JSON: Expecting property name enclosed in double quotes")
                self._keep(_KEY_CHARS)
                self.pos += 1
                self._string()
                raw_key = self._kept()
                key = json.loads(raw_key) if raw_key is not None else None
                self._expect(":", "Expecting ':' delimiter")
                self._ws()
                if key in FIELDS:
                    used = sum(sizes.values())
                    self._keep(max(0, self.limit - used))
                    self._value()
                    raw = self._kept()
                    sizes[key] = sizes.get(key, 0) + self.kept_size
                    if raw is not None and used + self.kept_size <= self.limit:
                        kept.append((key, raw))
                else:
                    self._value()
                self._ws()
                c = self._peek()
                if c == ",":
                    self.pos += 1
                    continue
                if c == "}":
                    self.pos += 1
                    break
                raise _Bad("invalid JSON: Expecting ',' delimiter")
        self._ws()
        if self._peek():
            raise _Bad("invalid JSON: Extra data")
        total = sum(sizes.values())
        if total > self.limit:
            big = max(sizes, key=lambda k: sizes[k])
            what = (f"field '{big}' is {sizes[big]} {self.unit}s" if sizes[big] > self.limit
                    else "fields " + ", ".join(f"'{k}'" for k in sizes) + f" are {total} {self.unit}s together")
            raise _Bad(f"{what}, over the {self.limit}-{self.unit} limit")
        return loads("{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in kept) + "}", "", with_line=False)


def _scan(pieces: _Pieces, limit: int, measure: Callable[[str], int], unit: str) -> tuple[Any, str | None]:
    try:
        return _Scanner(pieces, limit, measure, unit).record(), None
    except (_Bad, MalformedInput) as exc:
        return None, str(exc)
    finally:
        pieces.drain()


def _whole(line: str) -> tuple[Any, str | None]:
    if not line.strip():
        return _BLANK, None
    try:
        return loads(line, "", with_line=False), None
    except MalformedInput as exc:
        return None, str(exc)


def _byte_records(fh: BinaryIO, encoding: str, limit: int) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, record, problem) for an encoding where a newline is the byte 0x0A."""
    name = "utf-8" if encoding == "utf-8-sig" else encoding
    decode = codecs.getdecoder(name)
    head = min(limit, _WHOLE)
    n = 0
    while True:
        raw = fh.readline(head + 1)
        if not raw:
            return
        n += 1
        if n == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if len(raw) <= head or raw.endswith(b"\n"):
            try:
                yield n, *_whole(decode(raw)[0])
            except UnicodeDecodeError as exc:
                yield n, None, f"not valid {encoding} at byte {exc.start}"
            continue
        yield n, *_scan(_BytePieces(fh, name, raw), limit, lambda s: len(s.encode(name, "replace")), "byte")


def _wide_records(fh: BinaryIO, encoding: str, limit: int) -> Iterator[tuple[int, Any, str | None]]:
    """The same for UTF-16/32, where a newline spans several bytes: a decode error ends the file."""
    text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline=None)
    head = min(limit, _WHOLE)
    n = 0
    try:
        while True:
            line = text.readline(head + 1)
            if not line:
                return
            n += 1
            if len(line) <= head or line.endswith("\n"):
                yield n, *_whole(line)
            else:
                yield n, *_scan(_TextPieces(text, line), limit, len, "character")
    except UnicodeDecodeError as exc:
        where = getattr(fh, "name", None)
        raise UnreadableInput(f"line {n + 1}: not valid {encoding} ({exc.reason})", source=where) from None


def iter_jsonl(fh: BinaryIO, source: str, encoding: str, options: ReadOptions) -> Iterator[Article]:
    """Every article of a JSONL stream; a bad line is raised, or reported and skipped."""
    wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    records = (_wide_records if wide else _byte_records)(fh, encoding, options.max_file_bytes)
    for n, rec, problem in records:
        if rec is _BLANK:
            continue
        try:
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
