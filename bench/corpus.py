"""Large synthetic news corpora for the scale benchmarks, made from ECB+ dev.

ECB+ dev has 395 articles in 34 stories, too few to measure 10k or 100k. Each
*variant* of a gold story is a new story of the same kind: every name in it is
replaced, consistently within the variant, by an invented one, and so is every
figure (years shifted, other numbers scaled), so two variants are "two
earthquakes in different towns", which is what grouping must tell apart; the
variant gets its own publication week. Each article of a variant
then drops 10 % of its words and swaps two sentences (seeded), and 5 % of the
articles are republished as near-verbatim copies under another outlet (one line
appended), to exercise duplicate linking. Gold story = (ECB+ story, variant).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

_CAP = re.compile(r"\b[A-Z][a-z]{2,}\b")
_FIG = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\b\d+\.\d+\b|\b\d{2,}\b")
_SYLLABLES = ["ka", "lo", "mer", "vin", "tas", "ro", "bel", "dun", "sar", "ith", "po", "gren", "wal", "fen",
              "mor", "cal", "ast", "ul", "dre", "nik", "hal", "bri", "tor", "vel"]


_CALENDAR = set("january february march april may june july august september october november december "
                "monday tuesday wednesday thursday friday saturday sunday".split())


def _names(rows: list[dict]) -> set[str]:
    """Capitalised words never seen in lower case anywhere: proper names, not sentence starts."""
    lower = {w for r in rows for w in re.findall(r"\b[a-z]{3,}\b", r["text"])} | _CALENDAR
    return {w for r in rows for w in _CAP.findall((r["title"] or "") + "\n" + r["text"]) if w.lower() not in lower}


def _invent(rnd: random.Random) -> str:
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def generate(ecb: Path, n: int, seed: int = 0) -> Iterator[tuple[dict, str]]:
    """(JSONL record, gold story) for ``n`` articles."""
    rows = [json.loads(line) for line in ecb.read_text().splitlines() if line.strip()]
    names = _names(rows)
    by_story: dict[str, list[dict]] = {}
    for r in rows:
        by_story.setdefault(r["cluster_id"], []).append(r)
    stories = sorted(by_story)
    rnd = random.Random(seed)
    made = variant = 0
    base = datetime(2018, 1, 1, tzinfo=timezone.utc)
    while made < n:
        for sid in stories:
            vr = random.Random(f"{seed}:{sid}:{variant}")
            mapping: dict[str, str] = {}
            week = base + timedelta(days=vr.randint(0, 8 * 365))
            for r in by_story[sid]:
                if made >= n:
                    return
                def swap(m: re.Match[str]) -> str:
                    w = m.group(0)
                    if variant == 0 or w not in names:
                        return w
                    return mapping.setdefault(w, _invent(vr))
                def figure(m: re.Match[str]) -> str:
                    x = m.group(0)
                    if variant == 0:
                        return x
                    if x not in mapping:
                        if re.fullmatch(r"1[89]\d\d|20\d\d", x):
                            mapping[x] = str(int(x) + 1 + variant % 9)
                        elif "." in x:
                            mapping[x] = f"{float(x) * vr.uniform(0.6, 1.4):.{len(x.split('.')[1])}f}"
                        else:
                            mapping[x] = str(max(10, round(int(x) * vr.uniform(0.5, 2.0))))
                    return mapping[x]
                text = _FIG.sub(figure, _CAP.sub(swap, r["text"]))
                title = _FIG.sub(figure, _CAP.sub(swap, r["title"] or ""))
                lines = [ln for ln in text.split("\n") if ln.strip()]
                if len(lines) > 3:
                    i, j = rnd.sample(range(1, len(lines)), 2)
                    lines[i], lines[j] = lines[j], lines[i]
                text = "\n".join(" ".join(w for w in ln.split() if rnd.random() > 0.1) for ln in lines)
                when = week + timedelta(hours=rnd.randint(0, 96))
                gold = f"{sid}/{variant}"
                rec = {"id": f"{r['id']}~{variant}", "title": title, "text": text, "outlet": f"Outlet {rnd.randint(1, 60)}",
                       "published": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
                yield rec, gold
                made += 1
                if made < n and rnd.random() < 0.05:
                    copy = dict(rec, id=rec["id"] + "~copy", outlet=f"Outlet {rnd.randint(61, 90)}",
                                text=rec["text"] + "\nRepublished with permission.",
                                published=(when + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"))
                    yield copy, gold
                    made += 1
        variant += 1


def write(ecb: Path, n: int, out: Path) -> dict[str, str]:
    """Write the corpus as JSONL; returns gold story per article id."""
    gold = {}
    with out.open("w") as f:
        for rec, g in generate(ecb, n):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            gold[rec["id"]] = g
    return gold
