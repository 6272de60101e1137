"""Every layer of the 3-way entailment cross-encoder trained on a device machine (issue 24), in three steps:

    python train/nli3_device.py prepare [--tiny]      # here, on the CPU: pairs -> token ids (.cache/nli3-device)
    python train/nli3_device.py train --out DIR       # on the GPU (or --tiny here): torch, numpy, onnx only
    python train/nli3_device.py finish --weights DIR  # here: int8 ONNX, held-out checks, a model folder

Why three: the device machine has torch, numpy and onnx but none of storycheck's run-time packages and no
network, its files come back at most 16 MiB each, and only 64 MiB travel with the repository. So the pairs
are built and tokenised here (train_nli3.build: SNLI, WiCE, synthetic news pairs, the training part's dev
claims; plus the real aligned pairs of the tuning stories, carried = entailment and contradicted =
contradiction), the model starts from the bundled int8 model that travels in the tree, the device returns
the trained float16 weights in shards (the word embeddings stay frozen and are not returned), and the int8
export and its checks run here with onnxruntime.

On the device (one call, about 10 minutes at most; the prepared folder is git-ignored, so carry it):
    run(command="python train/nli3_device.py train --data .cache/nli3-device --out $OUT --epochs 4",
        carry=[".cache/nli3-device"], timeout_s=600)
then here: ``python train/nli3_device.py finish --weights <files_at>`` and measure the folder it writes
with ``bench/nli_real_pairs.py --model`` and ``STORYCHECK_NLI_MODEL=<folder> train/eval_locked.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nli_torch import CrossEncoder, batch_plan, load_int8_onnx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "src" / "storycheck" / "verify" / "data" / "nli"
E, N, C, NOT_E = 0, 1, 2, -1
LABELS = {"0": "entailment", "1": "neutral", "2": "contradiction"}
#: What comes back from a device machine: files of at most 16 MiB; the shards stay well under.
SHARD_BYTES = 12 * 2**20
#: Realnews stories whose aligned pairs train the model (the TUNE stories; the REPORT ones are never read).
REAL_TRAIN = ("baltimore-bridge-collapse", "crowdstrike-outage", "myanmar-earthquake", "oval-office-clash")


# ------------------------------------------------------------------ prepare (here)

def _real_pairs(folders: list[Path]) -> list[tuple[str, str, int]]:
    """Aligned English sentence pairs of labelled real stories: carried -> entailment, contradicted ->
    contradiction (bench/nli_real_pairs.py's pairing: the sentence against the evidence `compare` chose)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from nli_real_pairs import pairs_of

    out: list[tuple[str, str, int]] = []
    for f in folders:
        pairs, conflict = pairs_of(f)
        out += [(p, h, C if c else E) for (p, h), c in zip(pairs, conflict, strict=True)]
    return out


def _pack(tok: Any, rows: list[tuple[str, str, int]]) -> dict[str, np.ndarray]:
    encs = tok.encode_batch([(p, h) for p, h, _ in rows]) if rows else []
    lengths = np.array([len(e.ids) for e in encs], dtype=np.int64)
    return {"ids": np.array([i for e in encs for i in e.ids], dtype=np.int32),
            "types": np.array([t for e in encs for t in e.type_ids], dtype=np.int8),
            "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            "labels": np.array([lab for _, _, lab in rows], dtype=np.int8)}


def prepare(argv: list[str]) -> int:
    import train_nli3 as t3
    from train_nli import make_tokenizer

    ap = argparse.ArgumentParser(prog="nli3_device.py prepare")
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "nli3-device")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--real", type=Path, nargs="*", default=None,
                    help="labelled real story folders for aligned pairs (default: realnews TUNE)")
    ap.add_argument("--real-heldout", type=Path, nargs="*", default=[],
                    help="labelled real story folders whose pairs are only reported")
    ap.add_argument("--init", type=Path, default=BUNDLED / "model.onnx",
                    help="the int8 graph training starts from (inside the repository: it travels to the device)")
    a, rest = ap.parse_known_args(argv)
    if not a.init.resolve().is_relative_to(ROOT) or not a.init.is_file():
        ap.error(f"--init {a.init}: an int8 graph inside the repository is needed (only the repository travels)")
    b = t3.parse(["--snli", "20000", *rest, *(["--tiny"] if a.tiny else [])])
    b.max_length = a.max_length
    t0 = time.time()
    train, held = t3.build(b)
    rows = [(it.premise, it.hypothesis, it.label) for it in train]
    real_folders = a.real if a.real is not None else [b.shared / "realnews" / s for s in REAL_TRAIN]
    real = [] if a.tiny else _real_pairs(real_folders)
    rows += real * 2  # the closest pairs to what the model reads in use: seen twice an epoch
    random.Random(b.seed).shuffle(rows)
    sets = {"train": rows, **{k: [(it.premise, it.hypothesis, it.label) for it in v] for k, v in held.items()}}
    if a.real_heldout and not a.tiny:
        sets["real_heldout"] = _real_pairs(a.real_heldout)
    tok = make_tokenizer(BUNDLED / "tokenizer.json", a.max_length)
    a.out.mkdir(parents=True, exist_ok=True)
    for name, r in sets.items():
        np.savez_compressed(a.out / f"{name}.npz", **_pack(tok, r))
    cfg = {k: v for k, v in json.loads((BUNDLED / "config.json").read_text()).items()}
    model_cfg = {"vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
                 "intermediate_size": 1536, "max_position_embeddings": 512, "type_vocab_size": 2,
                 "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1}
    manifest = {"model": model_cfg, "labels": LABELS, "init": str(a.init.resolve().relative_to(ROOT)),
                "bundled_config": cfg, "max_length": a.max_length, "sets": {k: len(v) for k, v in sets.items()},
                "real_pairs": {"train": len(real), "folders": [str(f) for f in real_folders] if not a.tiny else []},
                "train_label_counts": {LABELS.get(str(k), "not_entailment"): int(v) for k, v in
                                       zip(*np.unique([r[2] for r in rows], return_counts=True), strict=True)},
                "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(b).items()},
                "prepare_s": round(time.time() - t0, 1)}
    (a.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in a.out.iterdir())
    print(f"wrote {a.out}: {manifest['sets']}, {size / 2**20:.1f} MiB", flush=True)
    return 0


# ------------------------------------------------------------------ train (device)

def _load(folder: Path, name: str) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    with np.load(folder / f"{name}.npz") as d:  # each d[key] decompresses the whole array: read each once
        off, all_ids, all_types, labels = d["offsets"], d["ids"], d["types"], d["labels"]
    ids = [all_ids[off[i]: off[i + 1]] for i in range(len(off) - 1)]
    types = [all_types[off[i]: off[i + 1]] for i in range(len(off) - 1)]
    return ids, types, labels.astype(np.int64)


def _batch(ids: list[np.ndarray], types: list[np.ndarray], idx: list[int],
           device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(ids[i]) for i in idx)
    x = torch.zeros((len(idx), width), dtype=torch.long)
    t = torch.zeros_like(x)
    m = torch.zeros_like(x)
    for r, i in enumerate(idx):
        n = len(ids[i])
        x[r, :n] = torch.from_numpy(ids[i].astype(np.int64))
        t[r, :n] = torch.from_numpy(types[i].astype(np.int64))
        m[r, :n] = 1
    return x.to(device), m.to(device), t.to(device)


def loss_of(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """-log P(label); for a "not entailment" item (-1) -log(P(neutral) + P(contradiction))."""
    allowed = torch.zeros_like(logits, dtype=torch.bool)
    pos = labels >= 0
    allowed[pos, labels[pos]] = True
    allowed[~pos, N] = allowed[~pos, C] = True
    return (torch.logsumexp(logits, -1) - torch.logsumexp(logits.masked_fill(~allowed, -1e4), -1)).mean()


def _auc(s: np.ndarray, y: np.ndarray) -> float | None:
    y = y.astype(bool)
    if y.all() or not y.any():
        return None
    order = np.argsort(s, kind="mergesort")
    r = np.empty(len(s))
    r[order] = np.arange(1, len(s) + 1)
    return round(float((r[y].sum() - y.sum() * (y.sum() + 1) / 2) / (y.sum() * (~y).sum())), 4)


def report(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    rep: dict[str, Any] = {"n": int(len(y)), "auc_entailment": _auc(p[:, E], y == E)}
    if (y == C).any():
        rep["auc_contradiction_vs_rest"] = _auc(p[:, C], y == C)
    if len(y) and (y >= 0).all():
        rep["accuracy_3way"] = round(float((p.argmax(1) == y).mean()), 4)
    return rep


@torch.no_grad()
def predict(model: CrossEncoder, ids: list[np.ndarray], types: list[np.ndarray], device: torch.device) -> np.ndarray:
    model.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), 3), dtype=np.float32)
    for b in range(0, len(order), 128):
        idx = order[b: b + 128]
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(*_batch(ids, types, idx, device))
        out[idx] = torch.softmax(logits.float(), -1).cpu().numpy()
    return out


def save_shards(model: CrossEncoder, out: Path) -> list[str]:
    """The trained weights (word embeddings left out: frozen) as float16, in shards under SHARD_BYTES."""
    names, parts, spec, at = [], [], [], 0
    for k, v in model.state_dict().items():
        if k == "word.weight":
            continue
        a = v.detach().float().cpu().numpy().astype(np.float16).ravel()
        spec.append({"name": k, "shape": list(v.shape), "offset": at, "size": int(a.size)})
        parts.append(a)
        at += a.size
    flat = np.concatenate(parts)
    step = SHARD_BYTES // 2
    for s, lo in enumerate(range(0, flat.size, step)):
        name = f"weights{s}.bin"
        (out / name).write_bytes(flat[lo: lo + step].tobytes())
        names.append(name)
    (out / "weights.json").write_text(json.dumps({"dtype": "float16", "shards": names, "tensors": spec}) + "\n")
    return names


def load_shards(model: CrossEncoder, folder: Path) -> None:
    """Weights save_shards wrote (a device's $OUT, or an earlier run here) into ``model``, in place."""
    spec = json.loads((folder / "weights.json").read_text())
    flat = np.concatenate([np.frombuffer((folder / s).read_bytes(), dtype=np.float16) for s in spec["shards"]])
    sd = model.state_dict()
    for t in spec["tensors"]:
        sd[t["name"]] = torch.from_numpy(flat[t["offset"]: t["offset"] + t["size"]].astype(np.float32)).view(t["shape"])
    model.load_state_dict(sd)


def train(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="nli3_device.py train")
    ap.add_argument("--data", type=Path, default=ROOT / ".cache" / "nli3-device")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=float, default=4.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=3e-4)
    ap.add_argument("--max-minutes", type=float, default=7.0, help="training stops here (a device call is 10 min)")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--tiny", action="store_true", help="a few steps on the CPU: the whole path")
    ap.add_argument("--resume", type=Path, default=None,
                    help="start from the weights an earlier train step wrote (its --out), not the bundled model")
    a = ap.parse_args(argv)
    t0 = time.time()
    device = torch.device("cuda" if torch.cuda.is_available() and not a.tiny else "cpu")
    torch.manual_seed(a.seed)
    man = json.loads((a.data / "manifest.json").read_text())
    model = CrossEncoder(man["model"], n_labels=3)
    load_int8_onnx(model, ROOT / man["init"])
    if a.resume is not None:  # the word embeddings stay the bundled model's (frozen, never saved)
        load_shards(model, a.resume)
    model.to(device)
    model.word.weight.requires_grad_(False)  # frozen: 30,522 x 384 weights that need not come back
    ids, types, labels = _load(a.data, "train")
    held = {f.stem: _load(a.data, f.stem) for f in sorted(a.data.glob("*.npz")) if f.stem != "train"}
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": body, "lr": a.lr}, {"params": list(model.head.parameters()), "lr": a.head_lr}],
                            weight_decay=0.01)
    rng = random.Random(a.seed)
    lengths = [len(x) for x in ids]
    passes = max(1, int(np.ceil(a.epochs)))
    steps = batch_plan(lengths, passes, a.batch_size, rng)
    steps = steps[: int(len(steps) * a.epochs / passes)]  # a fraction of the last pass
    if a.tiny:
        steps = steps[:3]
    before = {k: report(predict(model, h[0], h[1], device), h[2]) for k, h in held.items()}
    warm, budget = max(1, len(steps) // 16), 60 * a.max_minutes
    base = [g["lr"] for g in opt.param_groups]
    model.train()
    t_train, done, running = time.time(), len(steps), 0.0
    for s, idx in enumerate(steps):
        el = time.time() - t_train
        factor = min((s + 1) / warm, max(0.0, 1.0 - max(s / len(steps), el / budget)))
        if factor <= 0.0:
            done = s
            break
        for g, lr in zip(opt.param_groups, base, strict=True):
            g["lr"] = lr * factor
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(*_batch(ids, types, idx, device))
        loss = loss_of(logits.float(), torch.from_numpy(labels[idx]).to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running = 0.98 * running + 0.02 * loss.item() if s else loss.item()
        if s % 200 == 0:
            print(f"step {s + 1}/{len(steps)} loss {running:.4f} {el:.0f}s", flush=True)
    train_s = time.time() - t_train
    after = {k: report(predict(model, h[0], h[1], device), h[2]) for k, h in held.items()}
    a.out.mkdir(parents=True, exist_ok=True)
    shards = save_shards(model, a.out)
    metrics = {"device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu", "torch": torch.__version__,
               "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
               "manifest": {k: man[k] for k in ("sets", "real_pairs", "train_label_counts", "max_length")},
               "steps_planned": len(steps), "steps_done": done,
               "epochs_done": round(done / max(1, len(steps)) * a.epochs, 2),
               "stopped_by_time_cap": done < len(steps), "train_s": round(train_s, 1),
               "final_running_loss": round(running, 4), "held_out_before": before, "held_out_after": after,
               "shards": shards, "wall_s": round(time.time() - t0, 1)}
    (a.out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"after": after, "before": before, "steps": [done, len(steps)], "train_s": round(train_s)}),
          flush=True)
    return 0


# ------------------------------------------------------------------ finish (here)

def finish(argv: list[str]) -> int:
    from train_nli import export_int8, onnx_softmax

    ap = argparse.ArgumentParser(prog="nli3_device.py finish")
    ap.add_argument("--data", type=Path, default=ROOT / ".cache" / "nli3-device")
    ap.add_argument("--weights", type=Path, required=True, help="the folder the device's $OUT came back to")
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "nli3-device-model")
    a = ap.parse_args(argv)
    man = json.loads((a.data / "manifest.json").read_text())
    model = CrossEncoder(man["model"], n_labels=3)
    load_int8_onnx(model, ROOT / man["init"])  # the word embeddings (frozen, not returned)
    load_shards(model, a.weights)
    work = a.out.parent / (a.out.name + "-work")
    work.mkdir(parents=True, exist_ok=True)
    _, int8 = export_int8(model, work)
    held = {f.stem: _load(a.data, f.stem) for f in sorted(a.data.glob("*.npz")) if f.stem != "train"}
    dev = json.loads((a.weights / "metrics.json").read_text())
    checks = {}
    for k, (ids, types, y) in held.items():
        encs = [(list(map(int, i)), list(map(int, t))) for i, t in zip(ids, types, strict=True)]
        q = onnx_softmax(int8, encs)
        checks[k] = {"int8": report(q, y), "device_torch": dev["held_out_after"].get(k)}
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "model.onnx").write_bytes(int8.read_bytes())
    (a.out / "tokenizer.json").write_bytes((BUNDLED / "tokenizer.json").read_bytes())
    cfg = {"model_type": "bert-cross-encoder", "base_model": "sentence-transformers/all-MiniLM-L6-v2",
           "id2label": LABELS, "label2id": {v: int(k) for k, v in LABELS.items()}, "max_length": man["max_length"],
           "pooling": "cls", "num_hidden_layers": 6, "hidden_size": 384,
           "inputs": ["input_ids", "attention_mask", "token_type_ids"], "outputs": ["logits"],
           "quantization": "onnxruntime quantize_dynamic, int8 weights (QInt8, per channel)"}
    (a.out / "config.json").write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
    (a.out / "metrics.json").write_text(json.dumps({"device": dev, "int8_checks": checks}, indent=1) + "\n")
    print(json.dumps(checks), flush=True)
    print(f"wrote {a.out}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    steps = {"prepare": prepare, "train": train, "finish": finish}
    if not argv or argv[0] not in steps:
        print(__doc__)
        return 2
    return steps[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
