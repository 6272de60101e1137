"""P(entails) as the most any of a claim's candidate windows gets, against the one best window (issue 24).

The claim model sends five windows of the source to the encoder: the three single sentences that share
most words with the claim and the two windows of 2-3 sentences with the most coverage
(verify/_features.py). The entailment model reads one of them, the best. Here it reads all five, and a
claim's P(entails) is the highest (SummaC's zero-shot reading of a summary sentence against its source),
then the combinations of train/eval_locked.py are scored the three ways (locked, LODO, CV):

    python train/nli_windows.py                                   # the bundled model
    python train/nli_windows.py --nli-model .cache/nli3-cpu-model4  # a model of train/nli3_device.py finish

Pairs (~22k) are cached in .cache/nli_windows_pairs.json, the model's heads on them by train/nli_heads.py.
The figures of one run are written to --json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_locked as el  # noqa: E402
from features import SETS, load  # noqa: E402
from nli_heads import heads  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ONLY = ("claim", "e2", "e3", "hold0 p,e3", "fit p,e3")


def window_pairs(shared: Path, rows: list[dict]) -> tuple[list[list[str]], np.ndarray]:
    """(window, claim as matched) for each of every claim's candidate windows, and the row each is of."""
    from storycheck.verify._features import _lexical
    from storycheck.verify._source import as_written, prepare_texts

    cache = ROOT / ".cache" / "nli_windows_pairs.json"
    if cache.exists():
        pairs, owner = json.loads(cache.read_text())
        if max(owner) + 1 == len(rows):
            return pairs, np.array(owner)
    claims = load(shared, SETS) + load(shared, ("wice",))
    if [c["id"] for c in claims] != [r["id"] for r in rows]:
        raise SystemExit("the claim feature cache is of other claims: run train/features.py first")
    pairs, owner, prepared = [], [], {}
    for k, c in enumerate(claims):
        if c["source"] not in prepared:
            if len(prepared) > 200:
                prepared.clear()
            prepared[c["source"]] = prepare_texts([c["source"]])
        src = prepared[c["source"]]
        lx = _lexical(c["claim"], src)
        windows = [src.texts[int(i)] for i in [*lx.order[:3], *lx.spans]] or [""]
        claim = as_written(c["claim"], src)
        for w in dict.fromkeys(windows):
            pairs.append([w, claim])
            owner.append(k)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([pairs, owner]))
    return pairs, np.array(owner)


def most(H: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Per claim, the heads of the window with the highest 3-way P(entails); column 0 (the two-way
    head) its own highest."""
    out = np.zeros((n, H.shape[1]), dtype=np.float32)
    best = np.full(n, -1.0)
    for j, o in enumerate(owner):
        if H[j, 1] > best[o]:
            best[o] = H[j, 1]
            out[o] = H[j]
    e2 = np.full(n, -1.0)
    np.maximum.at(e2, owner, H[:, 0])
    out[:, 0] = e2
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--nli-model", type=Path, default=None, help="entailment model folder (default: the bundled one)")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    rows, X, best_pairs = el.load(a.shared, True)
    y = np.array([int(r["label"]) for r in rows])
    pairs, owner = window_pairs(a.shared, rows)
    res = {}
    for name, H in (("best window", heads(best_pairs, a.nli_model)),
                    ("most of five windows", most(heads(pairs, a.nli_model), owner, len(rows)))):
        res[name] = el.evaluate_combine(rows, X, y, H, el.RECIPES["v080"], ("locked", "lodo", "cv"), ONLY)
        print(f"\n{name} ({len(pairs)} pairs for {len(rows)} claims)\n")
        print(el.combine_table(res[name], ("locked", "lodo", "cv")))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
