"""How well an entailment model's contradiction class separates real conflicts on real coverage.

Each English sentence of the realnews TUNE stories (and of ``--extra-real DIR``, labelled the same way)
that the gold labels call ``carried`` or ``contradicted`` is paired with the evidence window that
`compare` chose in its first listed other article (when that article is English too). The model reads
each pair both ways; the AUC of the mean P(contradicts) for ``contradicted`` against ``carried`` pairs
says whether its contradiction class tells a real conflict from a paraphrase (0.5 = chance).

    python bench/nli_real_pairs.py [--shared ../shared] [--extra-real DIR] [--model DIR ...]

Only the TUNE stories are read (the REPORT stories are never looked at pair by pair).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real import TUNE, _best, read_labels, run_story  # noqa: E402


def pairs_of(folder: Path) -> tuple[list[tuple[str, str]], list[bool]]:
    ours, _, doc = run_story(folder)
    file_of = {a["id"]: Path(a["path"]).stem for a in doc["articles"]}
    lang = {a["id"]: a["language"] for a in doc["articles"]}
    sents: dict[tuple[str, int], tuple[str, Any]] = {
        (file_of[a["id"]], s["index"]): (a["id"], s) for a in doc["articles"] for s in a["sentences"]}
    by_file: dict[str, list[Any]] = {}
    for o in ours:
        by_file.setdefault(o.file, []).append(o)
    pairs, conflict = [], []
    for g in read_labels(folder):
        if g["label"] not in ("carried", "contradicted") or not g.get("other"):
            continue
        o = _best(by_file.get(g["file"], ()), g["start"], g["end"])
        if o is None or (o.file, o.index) not in sents:
            continue
        aid, s = sents[(o.file, o.index)]
        if lang[aid] != "en":
            continue
        for e in s["evidence"]:
            if file_of[e["article"]] == g["other"][0] and lang[e["article"]] == "en":
                pairs.append((e["text"], s["text"]))
                conflict.append(g["label"] == "contradicted")
    return pairs, conflict


def auc(y: np.ndarray, s: np.ndarray) -> float:
    order = np.argsort(s, kind="stable")
    rank = np.empty(len(s))
    rank[order] = np.arange(len(s))
    n1 = int(y.sum())
    return float((rank[y].sum() - n1 * (n1 - 1) / 2) / (n1 * (len(y) - n1)))


def main() -> None:
    from storycheck.verify._entail import BUNDLED_NLI_DIR, OnnxEntailment

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--extra-real", type=Path, metavar="DIR")
    ap.add_argument("--model", type=Path, nargs="*", default=[BUNDLED_NLI_DIR], help="model folders to compare")
    a = ap.parse_args()
    folders = [a.shared / "realnews" / s for s in TUNE]
    if a.extra_real:
        folders += sorted(p for p in a.extra_real.iterdir() if (p / "labels.jsonl").is_file())
    pairs: list[tuple[str, str]] = []
    conflict: list[bool] = []
    for f in folders:
        p, c = pairs_of(f)
        pairs += p
        conflict += c
    y = np.array(conflict)
    print(f"{len(y)} pairs, {int(y.sum())} in conflict")
    for d in a.model:
        m = OnnxEntailment(d)
        pc = (np.asarray(m.probs(pairs))[:, 2] + np.asarray(m.probs([(h, p) for p, h in pairs]))[:, 2]) / 2
        print(f"{d}: P(contradicts) AUC {auc(y, pc):.3f}")


if __name__ == "__main__":
    main()
