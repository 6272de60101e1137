"""Output files are written through what the user named: a device, FIFO, link or someone's file is
never replaced by a new file (the installed command, run as a user runs it, on real special files)."""

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storycheck._output import write_output, write_output_with

EXE = Path(sys.executable).with_name("storycheck")
DATA = Path(__file__).parent / "data"
SOURCE = "The Merrow Bridge closed on Tuesday after inspectors found cracks in two of its four piers."


@pytest.fixture(autouse=True)
def machine_files_stay_as_they_were():
    """A regression here would replace the machine's /dev/null or /dev/stdout with a plain file and break
    every later program: fail the test, and put them back where we may (root)."""
    yield
    broken = []
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        broken.append("/dev/null")
        if os.geteuid() == 0:
            os.unlink("/dev/null")
            os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            os.chmod("/dev/null", 0o666)
    if os.path.lexists("/dev/stdout") and not os.path.islink("/dev/stdout"):
        broken.append("/dev/stdout")
        if os.geteuid() == 0:
            os.unlink("/dev/stdout")
            os.symlink("/proc/self/fd/1", "/dev/stdout")
    assert not broken, f"storycheck replaced {broken} with a plain file"


def run(*args, **kw):
    kw.setdefault("capture_output", True)
    return subprocess.run([str(EXE), *map(str, args)], text=True, timeout=300, **kw)


@pytest.fixture()
def claims(tmp_path):
    p = tmp_path / "in.jsonl"
    rows = [{"id": "c1", "claim": "The Merrow Bridge closed on Tuesday.", "source": SOURCE},
            {"id": "c2", "claim": "The bridge closed on Friday.", "source": SOURCE}]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return p


def ids(text: str) -> list[str]:
    return [json.loads(line)["id"] for line in text.splitlines()]


def test_dev_null_stays_a_character_device(claims, tmp_path):
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    r = run("score-claims", claims, "--fast", "-o", "/dev/null")
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "storycheck replaced /dev/null with a file"
    r = run("compare", DATA, "--html", "/dev/null")
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "storycheck replaced /dev/null with a file"
    assert not list(Path("/dev").glob("null.*tmp")) and not list(Path("/dev").glob(".null.*"))


def test_a_fifo_receives_the_document(claims, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = run("score-claims", claims, "--fast", "-o", fifo)
    reader.join(timeout=60)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and ids(got[0].decode()) == ["c1", "c2"]


def test_a_symlink_keeps_pointing_where_it_did(claims, tmp_path):
    target = tmp_path / "real" / "out.jsonl"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    r = run("score-claims", claims, "--fast", "-o", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert ids(target.read_text()) == ["c1", "c2"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    target = tmp_path / "made.html"
    link = tmp_path / "report.html"
    link.symlink_to(target)
    write_output(link, "<p>x</p>\n")
    assert link.is_symlink() and target.read_text() == "<p>x</p>\n"


def test_dash_is_stdout(claims):
    r = run("score-claims", claims, "--fast", "-o", "-")
    assert r.returncode == 0, r.stderr
    assert ids(r.stdout) == ["c1", "c2"]
    assert not Path("-").exists()


def test_dev_stdout_writes_into_the_redirected_file_without_replacing_it(claims, tmp_path):
    out = tmp_path / "redirected.jsonl"
    with out.open("wb") as fh:
        inode = os.fstat(fh.fileno()).st_ino
        r = subprocess.run([str(EXE), "score-claims", str(claims), "--fast", "-o", "/dev/stdout"], stdout=fh,
                           stderr=subprocess.PIPE, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert os.stat(out).st_ino == inode, "the shell's file was replaced, not written"
    assert ids(out.read_text()) == ["c1", "c2"]


def test_an_existing_file_keeps_its_mode(claims, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    r = run("score-claims", claims, "--fast", "-o", out)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640
    assert ids(out.read_text()) == ["c1", "c2"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file away")
def test_an_existing_file_keeps_its_owner_and_group(tmp_path):
    out = tmp_path / "owned.html"
    out.write_text("old")
    os.chown(out, 4321, 4322)
    write_output(out, "new")
    st = os.stat(out)
    assert (st.st_uid, st.st_gid) == (4321, 4322) and out.read_text() == "new"


def test_a_new_file_gets_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "new.csv", "a,b\r\n", newline="")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o640
    assert (tmp_path / "new.csv").read_bytes() == b"a,b\r\n"


def test_hard_links_all_see_the_new_text(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("old")
    os.link(a, b)
    write_output(a, "new")
    assert b.read_text() == "new" and os.stat(a).st_ino == os.stat(b).st_ino


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("the old report\n")

    def half_then_fail(fh):
        fh.write(b"<html>half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_output_with(out, half_then_fail)
    assert out.read_text() == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_an_unwritable_target_is_one_line_and_exit_2(claims, tmp_path):
    r = run("score-claims", claims, "--fast", "-o", tmp_path / "no" / "such" / "folder" / "out.jsonl")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "cannot write" in r.stderr and "Traceback" not in r.stderr
