"""Train storycheck's 3-way entailment cross-encoder (entailment / neutral / contradiction) on the CPU
and ship it as int8 ONNX (issue 24).

The recipe, for 2 shared CPU cores: start from the 0.8.0 two-way model (all-MiniLM-L6-v2 fine-tuned as
a cross-encoder; its int8 ONNX weights are dequantised back to float), run its lower layers (0 to
``--frozen - 1``) once over every training pair and keep their output (fp16, per pair), then train
only the top layers and a new 3-logit head for several epochs on those cached states. The head starts
from the two-way head (entailment row for "entailment", the not-entailment row for the other two).

Labels: SNLI's three; WiCE ``supported`` = entailment, the rest "not entailment"; synthetic news pairs
(``nli_data.synthetic_pairs``): the sentence or a part of it = entailment, a changed number, date or
name or a flipped negation = contradiction, a far sentence or another article's = neutral; the dev
claims of the training part of the locked split (train/locked_split.py) against the evidence window
the claim features chose: supported = entailment, unsupported = "not entailment". A "not
entailment" item is trained with -log(P(neutral) + P(contradiction)), so it never forces one of the two.
No document of the locked split is read for any pair (claims, synthetic pairs).

    python train/train_nli3.py --tiny     # a few dozen pairs, a few steps: the whole path (~1 min)
    python train/train_nli3.py            # the CPU-capped run that made the shipped model
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locked_split  # noqa: E402
from nli_data import held_out_doc, news_documents, read_jsonl, synthetic_pairs  # noqa: E402
from nli_speed import ms_per_pair  # noqa: E402
from nli_torch import batch_plan, load_int8_onnx  # noqa: E402
from train_nli import CrossEncoder, auc, base_model_dir, collate, export_int8, make_tokenizer, onnx_softmax, prepare_run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELS = {"0": "entailment", "1": "neutral", "2": "contradiction"}
E, N, C, NOT_E = 0, 1, 2, -1
SYN_LABEL = {"window": E, "window_part": E, "number": C, "date": C, "name": C, "negation": C, "far": N,
             "other_doc": N}
SNLI_LABEL = {"entailment": E, "neutral": N, "contradiction": C}


@dataclass(frozen=True)
class Item:
    premise: str
    hypothesis: str
    label: int  # E, N, C or NOT_E
    source: str
    kind: str


# ------------------------------------------------------------------ data

def claim_items(shared: Path, locked: bool, reuse: bool = False) -> list[Item]:
    """Dev claims of the six sets against the evidence window the claim features chose (written by
    train/features.py), from the training part (locked=False) or the locked part (report only)."""
    from features import compute

    cache = ROOT / ".cache" / "claim_features.npz"
    rows, _, _ = compute(shared, cache, reuse)
    pairs = json.loads(cache.with_suffix(".pairs.json").read_text())
    out = []
    for r, (premise, hyp) in zip(rows, pairs, strict=True):
        if locked_split.is_locked(r["source"]) == locked and premise and hyp:
            out.append(Item(premise, hyp, E if int(r["label"]) == 1 else NOT_E, "claims", r["dataset"]))
    return out


def build(a: argparse.Namespace) -> tuple[list[Item], dict[str, list[Item]]]:
    rng = random.Random(a.seed)
    nli = a.shared / "nli"
    snli = [Item(str(r["premise"]), str(r["hypothesis"]), SNLI_LABEL[str(r["label"])], "snli", str(r["label"]))
            for r in read_jsonl(nli / "snli_dev.jsonl") if r["label"] in SNLI_LABEL]
    wice = [Item(str(r["premise"]), str(r["hypothesis"]), E if r["label"] == "supported" else NOT_E, "wice",
                 str(r["label"])) for r in read_jsonl(nli / "wice_dev.jsonl")]
    docs = [d for d in news_documents(a.shared, a.examples) if not locked_split.is_locked(d)]
    syn_train = synthetic_pairs([d for d in docs if not held_out_doc(d)], a.synthetic, random.Random(a.seed + 1))
    syn_held = synthetic_pairs([d for d in docs if held_out_doc(d)], a.eval_synthetic, random.Random(a.seed + 3))

    def syn(ps: list[Any]) -> list[Item]:
        return [Item(p.premise, p.hypothesis, SYN_LABEL[p.kind], "synthetic", p.kind) for p in ps]

    rng.shuffle(snli)
    claims = claim_items(a.shared, locked=False, reuse=a.reuse_features) if not a.no_claims else []
    train = snli[: a.snli] + wice + syn(syn_train) + claims * a.claim_repeats
    rng.shuffle(train)
    snli_test = [Item(str(r["premise"]), str(r["hypothesis"]), SNLI_LABEL[str(r["label"])], "snli", str(r["label"]))
                 for r in read_jsonl(nli / "snli_test.jsonl") if r["label"] in SNLI_LABEL]
    random.Random(a.seed + 2).shuffle(snli_test)
    held = {"wice_test": [Item(str(r["premise"]), str(r["hypothesis"]), E if r["label"] == "supported" else NOT_E,
                               "wice", str(r["label"])) for r in read_jsonl(nli / "wice_test.jsonl")],
            "snli_test": snli_test[: a.eval_snli], "synthetic_heldout_docs": syn(syn_held)}
    if not a.no_claims:
        held["locked_claims"] = claim_items(a.shared, locked=True, reuse=a.reuse_features)  # reported, never chosen on
    if a.tiny:
        train = train[: a.max_pairs]
        held = {k: v[:24] for k, v in held.items()}
    return train, held


def counts(items: list[Item]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for it in items:
        c = out.setdefault(it.source, {})
        c[it.kind] = c.get(it.kind, 0) + 1
        lab = {E: "_entailment", N: "_neutral", C: "_contradiction", NOT_E: "_not_entailment"}[it.label]
        c[lab] = c.get(lab, 0) + 1
    return out


# ------------------------------------------------------------------ initial weights

# ------------------------------------------------------------------ cached lower layers

def lower(model: CrossEncoder, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor, frozen: int) -> torch.Tensor:
    t = ids.shape[1]
    pos = torch.arange(t).unsqueeze(0)
    x = model.emb_norm(model.word(ids) + model.pos(pos) + model.tok_type(types))
    bias = ((1.0 - mask.float()) * -10000.0)[:, None, None, :]
    for layer in model.layers[:frozen]:
        x = layer(x, bias)
    return x


def upper(model: CrossEncoder, x: torch.Tensor, mask: torch.Tensor, frozen: int) -> torch.Tensor:
    bias = ((1.0 - mask.float()) * -10000.0)[:, None, None, :]
    x = model.drop(x)
    for layer in model.layers[frozen:]:
        x = layer(x, bias)
    return model.head(model.drop(x[:, 0]))


def pad(encs: list[tuple[list[int], list[int]]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The padded ids, mask and segment ids of a batch (train_nli.collate, on the CPU)."""
    d = collate(encs, torch.device("cpu"))
    return d["input_ids"], d["attention_mask"], d["token_type_ids"]


@torch.no_grad()
def cache_states(model: CrossEncoder, encs: list[tuple[list[int], list[int]]], frozen: int) -> list[torch.Tensor]:
    model.eval()
    order = sorted(range(len(encs)), key=lambda i: len(encs[i][0]))
    out: list[torch.Tensor] = [torch.empty(0)] * len(encs)
    for b in range(0, len(order), 64):
        idx = order[b: b + 64]
        ids, mask, types = pad([encs[i] for i in idx])
        x = lower(model, ids, mask, types, frozen).to(torch.float16)
        for r, i in enumerate(idx):
            out[i] = x[r, : len(encs[i][0])].clone()
        if b % 3200 == 0:
            print(f"cached {b + len(idx)}/{len(encs)}", flush=True)
    return out


@torch.no_grad()
def predict(model: CrossEncoder, encs: list[tuple[list[int], list[int]]]) -> np.ndarray:
    """(n, 3) probabilities of the whole torch model."""
    model.eval()
    order = sorted(range(len(encs)), key=lambda i: len(encs[i][0]))
    out = np.zeros((len(encs), 3), dtype=np.float32)
    for b in range(0, len(order), 64):
        idx = order[b: b + 64]
        out[idx] = torch.softmax(model(*pad([encs[i] for i in idx])), -1).numpy()
    return out


def report(p: np.ndarray, items: list[Item]) -> dict[str, Any]:
    y = np.array([it.label for it in items])
    rep: dict[str, Any] = {"n": len(items), "entailed": int((y == E).sum()),
                           "auc_entailment": round(auc(p[:, E], (y == E).astype(int)), 4),
                           "accuracy_entailment_vs_not": round(float(((p[:, E] >= 0.5) == (y == E)).mean()), 4)}
    if (y == C).any():
        rep["contradiction_auc_vs_rest"] = round(auc(p[:, C], (y == C).astype(int)), 4)
    if (y >= 0).all():
        rep["accuracy_3way"] = round(float((p.argmax(1) == y).mean()), 4)
    kinds = sorted({it.kind for it in items if it.source in ("synthetic", "claims")})
    if items and items[0].source == "synthetic":
        pos = y == E
        rep["contradiction_auc_by_recipe"] = {
            k: round(auc(np.concatenate([p[pos, C], p[m, C]]),
                         np.concatenate([np.zeros(pos.sum()), np.ones(m.sum())])), 4)
            for k in kinds for m in [np.array([it.kind == k for it in items])] if SYN_LABEL[k] == C}
    if items and items[0].source == "claims":
        rep["auc_entailment_by_set"] = {
            k: round(auc(p[m, E], (y[m] == E).astype(int)), 4) for k in kinds
            for m in [np.array([it.kind == k for it in items])]}
    return rep


# ------------------------------------------------------------------ main

def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", str(ROOT.parent / "shared"))))
    ap.add_argument("--examples", type=Path, default=ROOT / "examples")
    ap.add_argument("--init", type=Path, default=ROOT / ".cache" / "nli-init" / "model.onnx",
                    help="int8 ONNX of the 0.8.0 two-way model to start from (make train-nli extracts it from git); "
                         "'base' starts from all-MiniLM-L6-v2")
    ap.add_argument("--tiny", action="store_true", help="a few dozen pairs, a few steps: the whole path")
    ap.add_argument("--snli", type=int, default=7000, help="SNLI dev pairs")
    ap.add_argument("--synthetic", type=int, default=6000)
    ap.add_argument("--claim-repeats", type=int, default=2, help="times each training-part dev claim is seen per epoch")
    ap.add_argument("--no-claims", action="store_true", help="no dev-claim pairs (needs no claim features)")
    ap.add_argument("--reuse-features", action="store_true",
                    help="take the cached claim features (for the evidence windows) even if the feature code changed")
    ap.add_argument("--frozen", type=int, default=4, help="lower layers run once and cached, not trained")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--head-lr", type=float, default=5e-4)
    ap.add_argument("--max-train-minutes", type=float, default=30.0)
    ap.add_argument("--max-pairs", type=int, default=64, help="with --tiny: training pairs")
    ap.add_argument("--eval-snli", type=int, default=600)
    ap.add_argument("--eval-synthetic", type=int, default=800)
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--work", type=Path, default=ROOT / ".cache" / "nli3-train")
    return ap


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The arguments, with --tiny's small sizes applied."""
    a = parser().parse_args(argv)
    if a.tiny:
        a.snli, a.synthetic, a.eval_snli, a.eval_synthetic, a.max_length, a.epochs = 40, 40, 24, 24, 64, 1
        a.no_claims = True  # the claim pairs need the claim features (minutes); the tiny path does without
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    out, work = prepare_run(a, "nli3-tiny")
    torch.set_num_threads(min(2, os.cpu_count() or 1))

    t0 = time.time()
    train, held = build(a)
    print(f"pairs: {len(train)} train, " + ", ".join(f"{k} {len(v)}" for k, v in held.items())
          + f" ({time.time() - t0:.0f}s)", flush=True)
    base = base_model_dir()
    cfg = json.loads((base / "config.json").read_text())
    tok = make_tokenizer(base / "tokenizer.json", a.max_length)
    model = CrossEncoder(cfg, n_labels=3)
    if str(a.init) == "base" or not a.init.is_file():
        if str(a.init) != "base":
            print(f"{a.init} not found: starting from all-MiniLM-L6-v2", flush=True)
        model.load_bert(base / "model.safetensors")
        init = "all-MiniLM-L6-v2"
    else:
        load_int8_onnx(model, a.init)
        init = f"0.8.0 two-way model ({a.init.name}, int8 dequantised)"

    def enc_of(items: list[Item]) -> list[tuple[list[int], list[int]]]:
        return [(e.ids, e.type_ids) for e in tok.encode_batch([(it.premise, it.hypothesis) for it in items])]

    encs = enc_of(train)
    t_cache = time.time()
    states = cache_states(model, encs, a.frozen)
    cache_s = time.time() - t_cache
    print(f"cached layers 0-{a.frozen - 1} of {len(encs)} pairs in {cache_s:.0f}s "
          f"({sum(s.numel() for s in states) * 2 / 1e9:.2f} GB)", flush=True)

    for p in model.parameters():
        p.requires_grad_(False)
    top = [p for layer in model.layers[a.frozen:] for p in layer.parameters()]
    for p in [*top, *model.head.parameters()]:
        p.requires_grad_(True)
    opt = torch.optim.AdamW([{"params": top, "lr": a.lr}, {"params": list(model.head.parameters()), "lr": a.head_lr}],
                            weight_decay=0.01)
    allowed = torch.zeros((len(train), 3), dtype=torch.bool)
    for i, it in enumerate(train):
        if it.label == NOT_E:
            allowed[i, N] = allowed[i, C] = True
        else:
            allowed[i, it.label] = True
    rng = random.Random(a.seed)
    lengths = [len(e[0]) for e in encs]
    steps = batch_plan(lengths, a.epochs, a.batch_size, rng)
    if a.tiny:
        steps = steps[:4]
    warm = max(1, len(steps) // 20)
    budget = 60 * a.max_train_minutes
    base_lrs = [g["lr"] for g in opt.param_groups]
    print(f"training layers {a.frozen}-{len(model.layers) - 1} + head: {len(steps)} steps of {a.batch_size}, "
          f"{a.epochs} epochs, threads {torch.get_num_threads()}", flush=True)
    model.train()
    t_train = time.time()
    running = 0.0
    done = len(steps)
    for s, idx in enumerate(steps):
        el = time.time() - t_train
        progress = max(s / len(steps), el / budget)
        factor = min((s + 1) / warm, max(0.0, 1.0 - progress))
        if factor <= 0.0:
            done = s
            print(f"time cap: stopped after {s} of {len(steps)} steps", flush=True)
            break
        for g, lr in zip(opt.param_groups, base_lrs, strict=True):
            g["lr"] = lr * factor
        width = max(lengths[i] for i in idx)
        x = torch.zeros((len(idx), width, states[idx[0]].shape[1]))
        mask = torch.zeros((len(idx), width))
        for r, i in enumerate(idx):
            x[r, : lengths[i]] = states[i].float()
            mask[r, : lengths[i]] = 1
        logits = upper(model, x, mask, a.frozen)
        ok = allowed[idx]
        loss = (torch.logsumexp(logits, -1) - torch.logsumexp(logits.masked_fill(~ok, -1e4), -1)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(top, 1.0)
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if s else loss.item()
        if s % 50 == 0 or s == len(steps) - 1:
            print(f"step {s + 1}/{len(steps)} loss {running:.4f} {el:.0f}s "
                  f"(eta {el / (s + 1) * (len(steps) - s - 1):.0f}s)", flush=True)
    train_s = time.time() - t_train
    del states

    t_eval = time.time()
    held_enc = {k: enc_of(v) for k, v in held.items()}
    torch_p = {k: predict(model, e) for k, e in held_enc.items()}
    rep_torch = {k: report(torch_p[k], held[k]) for k in held}
    print("held-out (torch):", json.dumps({k: v["auc_entailment"] for k, v in rep_torch.items()}), flush=True)
    fp32, int8 = export_int8(model, work)
    int8_p = {k: onnx_softmax(int8, e) for k, e in held_enc.items()}
    rep_int8 = {k: report(int8_p[k], held[k]) for k in held}
    print("held-out (int8):", json.dumps(rep_int8), flush=True)
    all_t = np.concatenate([torch_p[k] for k in held])
    all_q = np.concatenate([int8_p[k] for k in held])
    agreement = {"pairs": int(len(all_t)),
                 "mean_abs_diff": round(float(np.abs(all_q - all_t).mean()), 4),
                 "max_abs_diff": round(float(np.abs(all_q - all_t).max()), 4),
                 "same_argmax": round(float((all_q.argmax(1) == all_t.argmax(1)).mean()), 4)}
    eval_s = time.time() - t_eval
    speed = ms_per_pair(int8, make_tokenizer(base / "tokenizer.json", 256))
    print("agreement:", json.dumps(agreement), "speed:", json.dumps(speed), flush=True)

    shutil.copyfile(int8, out / "model.onnx")
    tok_json = json.loads((base / "tokenizer.json").read_text(encoding="utf-8"))
    tok_json["padding"] = None
    tok_json["truncation"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok_json, ensure_ascii=False), encoding="utf-8")
    (out / "config.json").write_text(json.dumps({
        "model_type": "bert-cross-encoder", "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "id2label": LABELS, "label2id": {v: int(k) for k, v in LABELS.items()}, "max_length": a.max_length,
        "pooling": "cls", "num_hidden_layers": cfg["num_hidden_layers"], "hidden_size": cfg["hidden_size"],
        "inputs": ["input_ids", "attention_mask", "token_type_ids"], "outputs": ["logits"],
        "quantization": "onnxruntime quantize_dynamic, int8 weights (QInt8, per channel)",
    }, indent=1) + "\n", encoding="utf-8")
    metrics = {
        "cap": "CPU-capped: lower layers frozen and cached", "init": init,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
        "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
        "train_counts": counts(train), "held_out_counts": {k: counts(v) for k, v in held.items()},
        "steps_planned": len(steps), "steps_done": done, "stopped_by_time_cap": done < len(steps),
        "epochs_done": round(done / max(1, len(steps)) * a.epochs, 2),
        "cache_wall_s": round(cache_s, 1), "train_wall_s": round(train_s, 1), "eval_export_wall_s": round(eval_s, 1),
        "final_running_loss": round(running, 4), "held_out_torch": rep_torch, "held_out_int8_onnx": rep_int8,
        "agreement": agreement, "int8_bytes": (out / "model.onnx").stat().st_size, "fp32_bytes": fp32.stat().st_size,
        "speed_2_threads": speed,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} ({metrics['int8_bytes'] / 1e6:.1f} MB int8); train {train_s:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
