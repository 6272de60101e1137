"""Verdicts of every sentence on our examples and on ECB+ dev topics with our copies
(the sets of bench/copies.py), as one JSON file: run it with two versions of
storycheck and compare the files to see how many verdicts a change moved.

    python bench/agreement.py OUT.json            # this checkout
    PYTHONPATH=/path/to/old/src python bench/agreement.py OLD.json
    python bench/agreement.py --compare OLD.json NEW.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from storycheck._output import write_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def verdicts(shared: Path, root: Path = ROOT) -> dict:
    from copies import _sets

    from storycheck import Article
    from storycheck._pipeline import run_stages
    from storycheck.embed import default_backend

    backend = default_backend()
    out: dict = {"sets": {}, "seconds": 0.0, "sentences": 0}
    t = time.perf_counter()
    for n, (arts, _, _, name) in enumerate(_sets(shared, root)):
        objs = [r.get("_a") or Article(id=r["id"], text=r["text"], title=r["title"]) for r in arts]
        objs = run_stages(objs, embedder=backend)  # copy families applied: stances counted per family
        out["sets"][f"{name}-{n}"] = {a.id: [s.verdict for s in a.sentences] for a in objs}
        out["sentences"] += sum(len(a.sentences) for a in objs)
    out["seconds"] = round(time.perf_counter() - t, 1)
    return out


def compare(old: dict, new: dict) -> dict:
    """Agreement per set kind (ecb, examples) and the moves between verdicts."""
    res: dict = {}
    for key in old["sets"]:
        kind = key.split("-")[0]
        r = res.setdefault(kind, {"sentences": 0, "same": 0, "moves": Counter()})
        for art, vs in old["sets"][key].items():
            ws = new["sets"].get(key, {}).get(art)
            if ws is None or len(ws) != len(vs):
                continue
            for a, b in zip(vs, ws):
                r["sentences"] += 1
                r["same"] += a == b
                if a != b:
                    r["moves"][f"{a} -> {b}"] += 1
    for r in res.values():
        r["agreement"] = round(r["same"] / max(r["sentences"], 1), 4)
        r["moves"] = dict(r["moves"].most_common())
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path, nargs="?")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--compare", nargs=2, type=Path)
    a = ap.parse_args()
    if a.compare:
        print(json.dumps(compare(*(json.loads(p.read_text()) for p in a.compare)), indent=1))
        return
    write_output(a.out, json.dumps(verdicts(a.shared)))


if __name__ == "__main__":
    main()
