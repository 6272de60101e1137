"""ms per pair of the entailment ONNX models on the CPU (no torch needed).

    python train/nli_speed.py [--fp32 .cache/nli-train/run/model-fp32.onnx] [--threads 2]

Times a ~90-token news pair (premise 3 sentences, hypothesis 1) in a batch of 16 with onnxruntime,
median of --reps runs after one warm-up, for the shipped int8 model and optionally the fp32 export.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

NLI = Path(__file__).resolve().parents[1] / "src" / "storycheck" / "verify" / "data" / "nli"
PREMISE = ("Larkspur officials shut the Merrow Bridge on Tuesday after inspectors found cracks in two of its steel "
           "beams. The 62-year-old bridge carries about 38,000 vehicles a day across the Tamsin River, and the city "
           "said repairs would take at least four months and cost an estimated $12 million.")
HYPOTHESIS = ("The city closed the Merrow Bridge after inspectors found cracked beams, and repairs will cost about "
              "$12 million.")


def ms_per_pair(model: Path, tok: Tokenizer, premise: str = PREMISE, hypothesis: str = HYPOTHESIS, *,
                threads: int = 2, batch: int = 16, reps: int = 5) -> dict[str, float | int]:
    """Median (and best) milliseconds per pair of an ONNX pair classifier on one news pair."""
    enc = tok.encode(premise, hypothesis)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    feed = {"input_ids": np.array([enc.ids] * batch, dtype=np.int64),
            "attention_mask": np.ones((batch, len(enc.ids)), dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids] * batch, dtype=np.int64)}
    sess.run(None, feed)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - t0)
    return {"tokens": len(enc.ids), "batch": batch, "threads": threads,
            "ms_per_pair_median": round(1000 * float(np.median(times)) / batch, 2),
            "ms_per_pair_min": round(1000 * float(np.min(times)) / batch, 2),
            "bytes": model.stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fp32", type=Path, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    tok = Tokenizer.from_file(str(NLI / "tokenizer.json"))
    out = {"int8": ms_per_pair(NLI / "model.onnx", tok, threads=a.threads, batch=a.batch, reps=a.reps)}
    if a.fp32 is not None:
        out["fp32"] = ms_per_pair(a.fp32, tok, threads=a.threads, batch=a.batch, reps=a.reps)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
