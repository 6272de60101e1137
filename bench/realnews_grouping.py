"""Grouping on ../shared/realnews: each folder is one real event told by 14–16 outlets in 7 languages.

Pairwise precision and recall of the stories `storycheck cluster` makes (``cluster_articles``, what the
command calls), on three sets clustered apart: TUNE (the four stories grouping rules were chosen on),
HELD (the other four, never looked at while tuning) and ALL (the eight together). ECB+ dev B³ beside it.

``python bench/realnews_grouping.py [--shared ../shared]`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The stories grouping was tuned on (fixed before looking at any result); the others are held out.
TUNE = ("baltimore-bridge-collapse", "crocus-city-hall-attack", "crowdstrike-outage", "iberian-blackout")


def pairwise(groups: Sequence[Sequence[str]], gold: dict[str, str]) -> tuple[float, float]:
    """Precision and recall over article pairs: a pair is predicted together when one story holds both."""
    pred = {a: k for k, g in enumerate(groups) for a in g}
    ids = sorted(gold)
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_p, same_g = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def load(shared: Path) -> tuple[list, dict[str, str]]:
    from storycheck.ingest import read_paths

    folders = sorted(p for p in (shared / "realnews").iterdir() if p.is_dir())
    arts, gold = [], {}
    for d in folders:
        for a in read_paths(sorted(d.glob("*.json"))):
            arts.append(a)
            gold[a.id] = d.name
    return arts, gold


def run(shared: Path) -> dict:
    from storycheck.group import cluster_articles

    arts, gold = load(shared)
    sets = {"tune": [a for a in arts if gold[a.id] in TUNE], "held": [a for a in arts if gold[a.id] not in TUNE],
            "all": arts}
    out: dict = {"tune_stories": list(TUNE),
                 "held_stories": sorted({g for g in gold.values() if g not in TUNE})}
    for name, subset in sets.items():
        groups = cluster_articles(subset)
        p, r = pairwise(groups, {a.id: gold[a.id] for a in subset})
        out[name] = {"articles": len(subset), "gold_stories": len({gold[a.id] for a in subset}),
                     "predicted_stories": len(groups), "pairwise_precision": round(p, 3),
                     "pairwise_recall": round(r, 3),
                     "sizes": sorted((len(g) for g in groups), reverse=True)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    if not (args.shared / "realnews").is_dir():
        print(f"{args.shared / 'realnews'} not found", file=sys.stderr)
        raise SystemExit(2)
    print(json.dumps(run(args.shared), indent=1))


if __name__ == "__main__":
    main()
