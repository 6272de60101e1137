"""Which text encoding a file is in.

The rule, first match wins: an ``--encoding`` the user gave; a byte-order mark
(UTF-8, UTF-16, UTF-32); UTF-16 without a mark (NUL in every other byte); valid
UTF-8; the charset an HTML ``<meta>`` or ``<?xml encoding=?>`` declares, when the
bytes decode under it; else charset-normalizer's guess, preferring the code pages
news sites actually serve when several decode equally cleanly. A guess that
another encoding would make as well, with a different text, is *weak*: the caller
warns (file and guessed encoding) and goes on.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .._exceptions import UnreadableInput

#: Bytes looked at to decide a large (streamed) file's encoding: a megabyte holds
#: thousands of non-ASCII characters, more than the detector needs.
SAMPLE_BYTES = 1 << 20
#: How much messier (charset-normalizer's chaos ratio, 0–1) than the cleanest decoding
#: another decoding may be and still count as a rival: a few odd characters in a
#: short text are noise, not evidence.
RIVAL_CHAOS = 0.05
#: Fewer non-ASCII bytes than this are too little evidence to tell code pages apart
#: (a name or two): any guess from them is weak.
MIN_EVIDENCE = 32
#: A rival decoding must read as this much more coherent language (charset-normalizer's
#: coherence, 0–1) to make a guess weak: neighbouring code pages (cp1251 and
#: mac_cyrillic) differ in a letter or two and score within a few hundredths.
RIVAL_COHERENCE = 0.05
#: Code pages in the order a tie is broken: Western and Cyrillic web pages first
#: (cp1252 is what HTML reads "latin-1" as), then the other Windows and ISO pages.
PREFERRED = ("cp1252", "cp1251", "koi8_r", "cp1250", "iso8859_15", "cp1253", "cp1254", "cp1257",
             "iso8859_2", "koi8_u", "cp1255", "cp1256", "cp874", "gb18030", "big5", "shift_jis",
             "euc_jp", "euc_kr")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
    rb"""|<meta\b[^>]{0,400}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Guess:
    encoding: str  # a Python codec name
    weak: bool = False  # another encoding would decode the bytes as cleanly, to another text


def codec(name: str, source: str | None = None) -> str:
    """The Python codec for a name a user or a file gave, or an InputError."""
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        raise UnreadableInput(f"unknown encoding '{name}'", source=source) from None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text with no mark: ASCII characters leave a NUL in every other byte."""
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def declared(head: bytes) -> str | None:
    """The charset an HTML meta tag or the XML declaration names, as a Python codec."""
    m = _DECLARED.search(head[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup((m.group(1) or m.group(2)).decode("ascii")).name
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    # HTML reads latin-1 and ASCII labels as windows-1252 (same letters, plus € “ ” …)
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _fits(data: bytes, encoding: str, *, partial: bool) -> bool:
    """The bytes decode under ``encoding`` (``partial``: a sample may end mid-character)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
        decoder.decode(data, final=not partial)
        return True
    except (UnicodeDecodeError, LookupError):
        return False


def _rank(name: str) -> int:
    norm = codecs.lookup(name).name.replace("-", "_")
    return PREFERRED.index(norm) if norm in PREFERRED else len(PREFERRED)


def _detect(data: bytes) -> Guess | None:
    from charset_normalizer import CharsetMatch, from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    cleanest = min(m.chaos for m in matches)
    rivals = [m for m in matches if m.chaos <= cleanest + RIVAL_CHAOS]

    def best_name(m: CharsetMatch) -> tuple[int, str]:
        names = m.could_be_from_charset or [m.encoding]
        top = min(names, key=_rank)
        return _rank(top), top

    chosen = min(rivals, key=lambda m: (best_name(m)[0], m.chaos, -m.coherence))
    text = str(chosen)
    evidence = sum(1 for b in data if b >= 0x80)
    # weak: little to go on, a messy decoding, or a rival that reads as more coherent language
    rival_reads_better = any(str(m) != text and m.coherence > chosen.coherence + RIVAL_COHERENCE
                             for m in rivals if m is not chosen)
    weak = evidence < MIN_EVIDENCE or chosen.chaos > 0.2 or rival_reads_better
    return Guess(best_name(chosen)[1], weak)


def guess(data: bytes, *, partial: bool = False, override: str | None = None, source: str | None = None) -> Guess:
    """The encoding of ``data`` (the whole file, or its first bytes when ``partial``)."""
    if override:
        return Guess(codec(override, source))
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Guess(name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return Guess(utf16)
    if b"\x00" in data[:8192]:
        raise UnreadableInput("binary file (NUL bytes), not text", source=source)
    if _fits(data, "utf-8", partial=partial):
        return Guess("utf-8")
    named = declared(data)
    if named and _fits(data, named, partial=partial):
        return Guess(named)
    found = _detect(data)
    if found is None:
        raise UnreadableInput("not valid UTF-8 and no other text encoding fits", source=source)
    return found


def decode(data: bytes, guessed: Guess, source: str | None = None) -> str:
    """``data`` as text under ``guessed``; bytes that do not fit are an InputError."""
    try:
        return data.decode(guessed.encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"not valid {guessed.encoding} at byte {exc.start}", source=source) from None
