"""Peak memory of reading and adding JSONL archives of growing size (bench/run.py section ingest_stream).

Writes synthetic archives (our own template sentences, varied numbers and names, ~2 kB articles),
then runs a child process per measurement and reads its peak RSS (resource.getrusage, ru_maxrss):
`check` is the first pass of `storycheck add` (every article read and checked, nothing kept beyond
the memory budget); `add` is the whole `storycheck add` into a fresh SQLite store.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

SENTENCES = [
    "The council of {town} voted {n} to {m} on Tuesday to close the {name} Bridge for repairs.",
    "Inspectors found {n} cracks in the beams, the city engineer {person} said.",
    "Traffic will be diverted through {town} for at least {m} weeks, officials said.",
    "Local businesses said the closure would cost them about {n} thousand dollars a week.",
    "{person}, who has lived in {town} for {m} years, said the bridge had been neglected.",
    "The state will pay {n} percent of the repair bill, according to a statement.",
]
TOWNS = ["Larkspur", "Merrow", "Oakdale", "Fenwick", "Harrow", "Belcourt", "Dunmore", "Ashby"]
PEOPLE = ["Elena Ruiz", "Tom Baker", "Ana Silva", "Li Wei", "Omar Haddad", "Greta Lund"]


def write_archive(path: Path, size_bytes: int, seed: int = 0) -> int:
    """A JSONL archive of about ``size_bytes``; the number of articles."""
    rng = random.Random(seed)
    n = written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size_bytes:
            town, person = rng.choice(TOWNS), rng.choice(PEOPLE)
            body = " ".join(rng.choice(SENTENCES).format(town=town, person=person, name=rng.choice(TOWNS),
                                                         n=rng.randint(2, 999), m=rng.randint(2, 60))
                            for _ in range(22))
            line = json.dumps({"id": f"a{n}", "title": f"{town} bridge closed ({n})", "outlet": f"Outlet {n % 40}",
                               "published": f"2026-03-{1 + n % 28:02d}", "text": body}) + "\n"
            fh.write(line)
            written += len(line.encode())
            n += 1
    return n


def write_crawl(path: Path, rows: int, field_bytes: int, seed: int = 0) -> None:
    """``rows`` crawl rows: an article as in ``write_archive`` plus a ``raw_html`` field of about
    ``field_bytes`` (HTML-like, with escaped quotes and newlines), a field the reader does not read."""
    rng = random.Random(seed)
    unit = '<p class="body">' + "x" * 80 + "</p>\n"
    with path.open("w", encoding="utf-8") as fh:
        for n in range(rows):
            town, person = rng.choice(TOWNS), rng.choice(PEOPLE)
            body = " ".join(rng.choice(SENTENCES).format(town=town, person=person, name=rng.choice(TOWNS),
                                                         n=rng.randint(2, 999), m=rng.randint(2, 60))
                            for _ in range(22))
            fh.write(f'{{"id": "c{n}", "title": "{town} bridge closed ({n})", "outlet": "Outlet {n}", "raw_html": "')
            piece = json.dumps(unit)[1:-1] * 10_000  # written piece by piece: this process stays small, so
            for _ in range(field_bytes // (len(unit) * 10_000)):  # the child measured inherits no large peak
                fh.write(piece)
            fh.write(f'", "text": {json.dumps(body)}}}\n')


_CHECK = """
import resource, sys, time
from storycheck.ingest import CheckedArticles
t = time.perf_counter()
c = CheckedArticles([sys.argv[1]])
print(len(c), c.reread, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


#: A small parent between the bench and the measured process: Linux keeps a process's peak RSS across
#: execve, so a child forked straight from a bench process grown by earlier sections reads that peak.
_FRESH = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def peak_check(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _FRESH, sys.executable, "-c", _CHECK, str(path)],
                         capture_output=True, text=True, check=True)
    n, reread, secs, kb = out.stdout.split()
    return {"articles": int(n), "reread": reread == "True", "seconds": round(float(secs), 1),
            "peak_rss_mb": round(int(kb) / 1024, 1)}


_ADD = """
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(r.stderr)
print(r.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(r.stdout.strip())
"""


def peak_add(path: Path, db: Path) -> dict[str, Any]:
    """`storycheck add` in a fresh parent, so the peak RSS read is this run's alone."""
    exe = Path(sys.executable).with_name("storycheck")
    out = subprocess.run([sys.executable, "-c", _ADD, str(exe), "add", "--db", str(db), str(path)],
                         capture_output=True, text=True, check=True)
    head, said = (out.stdout.split("\n", 1) + [""])[:2]
    rc, secs, kb = head.split()
    assert rc == "0", out.stderr
    return {"seconds": round(float(secs), 1), "peak_rss_mb": round(int(kb) / 1024, 1), "output": said.strip()}
