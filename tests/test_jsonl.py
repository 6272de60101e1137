"""JSONL limits apply to the fields read (id, title, text, outlet, url, published): a crawl's 25 MB
``raw_html`` beside the text is passed over without being kept, a read field over the limit is still
refused in one line, and the piecewise scanner of long lines agrees with json.loads on what is valid."""

import json
import subprocess
import sys
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from storycheck import MalformedInput
from storycheck.ingest import ReadOptions, iter_paths, read_path
from storycheck.ingest._jsonl import _BLANK, _Bad, _Scanner
from storycheck.ingest._options import MAX_FILE_BYTES
from storycheck.ingest._records import FIELDS

BODY = "The Merrow Bridge closed on Tuesday after inspectors found {n} cracks in its beams."
HTML = r'<html><body><p class=\"lead\">Merrow \u00e9 Bridge</p>\n' + "<div>" + "x" * 90 + r"</div>\n"


def _crawl_line(i: int, html_bytes: int, text_first: bool = False) -> bytes:
    """A crawl row: metadata, a raw_html field of about html_bytes and the article text."""
    html = HTML * (html_bytes // len(HTML) + 1)
    meta = f'"id": "c{i}", "title": "Bridge closed", "outlet": "Harbor Times", "published": "2026-05-11"'
    text = f'"text": {json.dumps(BODY.format(n=i))}'
    parts = [meta, text, f'"raw_html": "{html}"'] if text_first else [meta, f'"raw_html": "{html}"', text]
    return ("{" + ", ".join(parts) + ', "crawl": {"status": 200, "links": [1, 2.5e3, null, true]}}\n').encode()


def test_a_25_mb_field_not_read_is_passed_over_without_being_kept(tmp_path):
    p = tmp_path / "crawl.jsonl"
    big = _crawl_line(0, 25_000_000)
    assert len(big) > 25_000_000 > MAX_FILE_BYTES
    p.write_bytes(big + _crawl_line(1, 2_000, text_first=True) + _crawl_line(2, 25_000_000, text_first=True))
    tracemalloc.start()
    try:
        arts = list(iter_paths([p]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [a.id for a in arts] == ["c0", "c1", "c2"]
    assert arts[0].text == BODY.format(n=0) and arts[2].title == "Bridge closed" and arts[2].outlet == "Harbor Times"
    assert arts[0].published == "2026-05-11" and arts[0].path == str(p)
    assert peak < 12_000_000, f"peak {peak} bytes: the 25 MB field was held"  # 1 MiB pieces: ~9 MB


def test_the_cli_reads_the_crawl_row(tmp_path):
    p = tmp_path / "crawl.jsonl"
    p.write_bytes(_crawl_line(0, 25_000_000) + _crawl_line(1, 100))
    r = subprocess.run([sys.executable, "-m", "storycheck", "cluster", "--json", str(p)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(a for s in json.loads(r.stdout)["stories"] for a in s["articles"]) == ["c0", "c1"]


def test_a_read_field_over_the_limit_is_one_line_error_or_skipped(tmp_path):
    p = tmp_path / "a.jsonl"
    long_text = json.dumps({"id": "x", "text": "y" * 3_000_000, "raw_html": "z" * 10}) + "\n"
    p.write_bytes(long_text.encode() + _crawl_line(1, 10) + _crawl_line(2, 2_000_000))
    opts = ReadOptions(max_file_bytes=1_500_000)
    try:
        read_path(p, opts)
        raise AssertionError("a text over the limit must be refused")
    except MalformedInput as exc:
        assert str(exc) == f"{p}: line 1: field 'text' is 3000002 bytes, over the 1500000-byte limit"
    skipped: list[str] = []
    arts = read_path(p, ReadOptions(max_file_bytes=1_500_000, skip_bad=True, warn=skipped.append))
    assert [a.id for a in arts] == ["c1", "c2"] and len(skipped) == 1 and "line 1:" in skipped[0]
    two = tmp_path / "two.jsonl"
    two.write_text(json.dumps({"title": "t" * 900_000, "text": "u" * 900_000, "x": "v" * 2_000_000}) + "\n")
    try:
        read_path(two, opts)
        raise AssertionError("the fields read together over the limit must be refused")
    except MalformedInput as exc:
        assert "fields 'title', 'text' are 1800004 bytes together, over the 1500000-byte limit" in str(exc)


def test_bad_long_lines_are_one_line_errors_and_the_next_line_is_read(tmp_path):
    good = _crawl_line(9, 10)
    cases = {
        "unclosed": (b'{"text": "a", "raw_html": "' + b"x" * 2_000_000 + b"\n", "Unterminated string"),
        "no comma": (b'{"raw_html": "' + b"x" * 2_000_000 + b'" "text": "a"}\n', "Expecting ',' delimiter"),
        "bad escape": (b'{"text": "a", "raw_html": "' + b"x" * 2_000_000 + b'\\q"}\n', "Invalid \\escape"),
        "bad utf-8": (b'{"text": "a", "raw_html": "' + b"x" * 2_000_000 + b'\xff"}\n', "not valid utf-8 at byte 2000027"),
        "extra": (b'{"text": "a", "raw_html": "' + b"x" * 2_000_000 + b'"} 1\n', "Extra data"),
        "trailing comma": (b'{"text": "a", "raw": [' + b"1," * 1_000_000 + b"]}\n", "Expecting value"),
        "no object": (b"[" + b'"x",' * 600_000 + b'"y"]\n', "expected a JSON object"),
        "no text": (b'{"raw_html": "' + b"x" * 2_000_000 + b'"}\n', "missing or empty 'text' field"),
    }
    for name, (line, why) in cases.items():
        p = tmp_path / f"{name.replace(' ', '_')}.jsonl"
        p.write_bytes(good + line + good.replace(b'"c9"', b'"c10"'))
        skipped: list[str] = []
        arts = read_path(p, ReadOptions(skip_bad=True, warn=skipped.append))
        assert [a.id for a in arts] == ["c9", "c10"], name
        assert len(skipped) == 1 and "\n" not in skipped[0] and why in skipped[0], (name, skipped)
        assert "line 2:" in skipped[0] or f"{p}:2:" in skipped[0], skipped


def test_utf16_long_line_is_scanned_too(tmp_path):
    p = tmp_path / "wide.jsonl"
    rows = [{"id": "w0", "text": BODY.format(n=0), "raw_html": "ж" * 1_500_000}, {"id": "w1", "text": BODY.format(n=1)}]
    p.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-16"))
    assert [a.id for a in read_path(p)] == ["w0", "w1"]
    assert [a.id for a in read_path(p, ReadOptions(encoding="utf-16"))] == ["w0", "w1"]


class _Pieces:
    """A line given in pieces of ``size`` characters, as a file would give it."""

    def __init__(self, text: str, size: int) -> None:
        self.parts = [text[i : i + size] for i in range(0, len(text), size)]

    def next(self) -> str:
        return self.parts.pop(0) if self.parts else ""

    def drain(self) -> None:
        self.parts = []


def _scanned(line: str, size: int):
    try:
        rec = _Scanner(_Pieces(line, size), 1 << 30, len, "character").record()
    except (_Bad, MalformedInput):
        return "bad"
    return rec


def _loaded(line: str):
    if not line.strip():
        return _BLANK
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError):
        return "bad"
    return {k: v for k, v in rec.items() if k in FIELDS} if isinstance(rec, dict) else []


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
_values = st.recursive(_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
                       max_leaves=8)
_keys = st.sampled_from([*FIELDS, "raw_html", "te\u00fft", "crawl"])
_records = st.lists(st.tuples(_keys, _values), max_size=6)
_edits = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(['"', "\\", "{", "}", "[", "]", ",", ":", " ", "0",
                                                                        "e", "-", ".", "t", "\x01", "\\u12", ""])),
                  max_size=2)


@settings(max_examples=400, deadline=None)
@given(_records, _edits, st.integers(1, 9), st.booleans())
def test_scanner_agrees_with_json_loads(pairs, edits, size, ascii_only):
    line = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=ascii_only)}" for k, v in pairs) + "}"
    for at, text in edits:  # a text inserted, or (for "") one character deleted
        at %= len(line) + 1
        line = line[:at] + text + line[at + (0 if text else 1):]
    expected, got = _loaded(line), _scanned(line, size)
    assert got == expected, (line, got, expected)


def test_an_escaped_key_is_the_field_it_spells_and_a_long_key_is_passed_over():
    assert _scanned('{"te\\u0078t": "a", "raw": [1, {"b": null}]}', 3) == {"text": "a"}
    assert _scanned('{"' + "k" * 5000 + '": 1, "id": 7, "text": "b"}', 100) == {"id": 7, "text": "b"}
    assert _scanned('{"text": "a", "text": "b"}', 2) == {"text": "b"}  # the last one wins, as in json.loads
    assert _scanned("   \n", 2) is _BLANK
