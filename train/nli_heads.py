"""Both heads of the bundled entailment model, raw, on the claim pairs of train/features.py's cache:
(n, 4) columns P2(entails) from the 0.8.0 two-way head, and the 3-way head's own P(entails),
P(neutral), P(contradicts) (no mixing of the two heads). Cached in .cache/nli_heads_<sha>_<n>.npy.

    python train/nli_heads.py      # run once; train/eval_locked.py --combine reads the cache
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def heads(pairs: list[list[str]], model_dir: Path | None = None) -> np.ndarray:
    from storycheck.verify._entail import BUNDLED_NLI_DIR, OnnxEntailment, _softmax

    d = model_dir or BUNDLED_NLI_DIR
    key = hashlib.sha1((d / "model.onnx").read_bytes()).hexdigest()[:12]
    cache = ROOT / ".cache" / f"nli_heads_{key}_b16_{len(pairs)}.npy"
    if cache.exists():
        return np.load(cache)
    m = OnnxEntailment(d)  # batch 16, as at run time (int8 activations are quantised per batch)
    sess = m._session
    out = np.zeros((len(pairs), 4), dtype=np.float32)
    names = [o.name for o in sess.get_outputs()]
    for b in range(0, len(pairs), m.batch_size):
        chunk = [(a, c) for a, c in pairs[b : b + m.batch_size]]
        got = dict(zip(names, sess.run(names, m.feed(chunk)), strict=True))
        p3 = _softmax(got["logits"])
        # a one-head model (train/nli3_device.py finish) gives its own P(entails) in both columns
        p2 = _softmax(got["entail_logits"])[:, 1] if "entail_logits" in got else p3[:, m.entail_index]
        out[b : b + len(chunk), 0] = p2
        out[b : b + len(chunk), 1] = p3[:, m.entail_index]
        out[b : b + len(chunk), 2] = p3[:, m.neutral_index]
        out[b : b + len(chunk), 3] = p3[:, m.contradiction_index]
        if b % 640 == 0:
            print(f"{b}/{len(pairs)}", file=sys.stderr, flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, out)
    return out


if __name__ == "__main__":
    pairs = json.loads((ROOT / ".cache" / "claim_features.pairs.json").read_text())
    w_pairs = json.loads((ROOT / ".cache" / "claim_features_wice.pairs.json").read_text())
    h = heads(pairs + w_pairs)
    print(h.shape, h.mean(axis=0))
