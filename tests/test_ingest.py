import json

import pytest

from storycheck import EmptyInput, MalformedInput, UnknownFormat, UnreadableInput, read_paths
from storycheck.ingest import read_path


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_txt_metadata_title_and_stable_id(tmp_path):
    p = write(tmp_path, "a.txt", "date 2025-12-07\noutlet Example Post\n\nA headline here\n\nFirst sentence. Second one.")
    (a,) = read_path(p)
    assert (a.title, a.outlet, a.published) == ("A headline here", "Example Post", "2025-12-07")
    assert a.text == "First sentence. Second one."
    q = write(tmp_path, "copy.txt", p.read_text())
    assert read_path(q)[0].id == a.id  # content hash, not file name


def test_json_jsonl_and_given_ids(tmp_path):
    rec = {"id": "x1", "text": "Body text here.", "title": "T", "outlet": "O", "url": "http://e.x", "published": "2026-01-02T03:04:05Z"}
    (a,) = read_path(write(tmp_path, "a.json", json.dumps(rec)))
    assert (a.id, a.outlet, a.published) == ("x1", "O", "2026-01-02T03:04:05Z")
    lines = "\n".join(json.dumps({**rec, "id": f"x{i}"}) for i in range(3))
    assert [a.id for a in read_path(write(tmp_path, "b.jsonl", lines))] == ["x0", "x1", "x2"]


def test_feeds(tmp_path):
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Feed Outlet</title>
    <item><title>One</title><link>http://e.x/1</link><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
    <description>&lt;p&gt;The bridge closed on Tuesday.&lt;/p&gt;</description></item></channel></rss>"""
    (a,) = read_path(write(tmp_path, "f.rss", rss))
    assert (a.outlet, a.title, a.text, a.published) == ("Feed Outlet", "One", "The bridge closed on Tuesday.", "2026-03-03T10:00:00Z")
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Outlet</title>
    <entry><title>Two</title><id>urn:2</id><updated>2026-03-04T00:00:00Z</updated><content type="html">Second story text.</content></entry></feed>"""
    (b,) = read_path(write(tmp_path, "g.xml", atom))
    assert (b.id, b.outlet, b.text) == ("urn:2", "Atom Outlet", "Second story text.")


def test_directory_is_recursive(tmp_path):
    write(tmp_path, "a.txt", "One article body.")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.txt", "Another article body.")
    write(tmp_path, "notes.bin", b"\x00\x01")  # not an article extension: ignored in folders
    assert len(read_paths([tmp_path])) == 2


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("bin.txt", b"\x00\x01\x02binary", UnreadableInput, "binary"),
        ("empty.txt", b"  \n ", EmptyInput, "empty"),
        ("x.pdf", b"%PDF-1.4", UnknownFormat, "unknown format"),
        ("bad.json", b'{"text": ', MalformedInput, "invalid JSON"),
        ("notext.json", b'{"title": "x"}', MalformedInput, "'text'"),
        ("bad.jsonl", b'{"text": "ok"}\n{oops\n', MalformedInput, "line 2"),
        ("latin1.txt", "Caf\xe9 cr\xe8me au bord de l'eau, d\xe9j\xe0 vu.".encode("latin-1"), None, None),
    ],
)
def test_bad_input_names_file_and_reason(tmp_path, name, data, error, reason):
    p = write(tmp_path, name, data)
    if error is None:
        assert "Café" in read_path(p)[0].text  # a legacy encoding is decoded, not rejected
        return
    with pytest.raises(error) as exc:
        read_path(p)
    assert str(p) in str(exc.value) and reason in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableInput, match="no such file"):
        read_path(tmp_path / "nope.txt")
