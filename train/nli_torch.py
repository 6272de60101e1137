"""The cross-encoder as plain torch: a 6-layer BERT (all-MiniLM-L6-v2's shape) with a linear head on the
[CLS] state, and its weights read back from storycheck's int8 ONNX files.

It needs torch, numpy and (for the int8 weights) onnx, nothing of storycheck's run time: the device
machine that trains every layer (train/nli3_device.py) has those and no more.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, inter: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.attn_out, self.attn_norm = nn.Linear(hidden, hidden), nn.LayerNorm(hidden, eps=eps)
        self.inter, self.out = nn.Linear(hidden, inter), nn.Linear(inter, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
        ctx = torch.matmul(self.drop(torch.softmax(scores, dim=-1)), v).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))


class CrossEncoder(nn.Module):
    def __init__(self, cfg: dict[str, Any], n_labels: int = 2, pooling: str = "cls") -> None:
        super().__init__()
        h, eps, p = cfg["hidden_size"], cfg["layer_norm_eps"], cfg["hidden_dropout_prob"]
        self.word = nn.Embedding(cfg["vocab_size"], h)
        self.pos = nn.Embedding(cfg["max_position_embeddings"], h)
        self.tok_type = nn.Embedding(cfg["type_vocab_size"], h)
        self.emb_norm = nn.LayerNorm(h, eps=eps)
        self.drop = nn.Dropout(p)
        self.layers = nn.ModuleList(Layer(h, cfg["num_attention_heads"], cfg["intermediate_size"], eps, p)
                                    for _ in range(cfg["num_hidden_layers"]))
        self.head = nn.Linear(h, n_labels)
        self.pooling = pooling

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.emb_norm(self.word(input_ids) + self.pos(pos) + self.tok_type(token_type_ids)))
        mask = attention_mask.to(x.dtype)
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        if self.pooling == "mean":
            pooled = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        else:
            pooled = x[:, 0]
        return self.head(self.drop(pooled))

    def load_bert(self, path: Path) -> None:
        from safetensors.torch import load_file

        w = load_file(str(path))
        own: dict[str, torch.Tensor] = {
            "word.weight": w["embeddings.word_embeddings.weight"],
            "pos.weight": w["embeddings.position_embeddings.weight"],
            "tok_type.weight": w["embeddings.token_type_embeddings.weight"],
            "emb_norm.weight": w["embeddings.LayerNorm.weight"], "emb_norm.bias": w["embeddings.LayerNorm.bias"],
        }
        names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                 "attn_out": "attention.output.dense", "attn_norm": "attention.output.LayerNorm",
                 "inter": "intermediate.dense", "out": "output.dense", "out_norm": "output.LayerNorm"}
        for i in range(len(self.layers)):
            for mine, theirs in names.items():
                for part in ("weight", "bias"):
                    own[f"layers.{i}.{mine}.{part}"] = w[f"encoder.layer.{i}.{theirs}.{part}"]
        missing, unexpected = self.load_state_dict(own, strict=False)
        if unexpected or set(missing) != {"head.weight", "head.bias"}:
            raise SystemExit(f"weights do not fit: missing {missing}, unexpected {unexpected}")
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)




def load_int8_onnx(model: CrossEncoder, path: Path) -> None:
    """Weights of the 0.8.0 model (train_nli.CrossEncoder exported, then quantize_dynamic) back to float:
    q * scale (zero points are 0 for QInt8 weights; kept in the formula anyway). A file that also holds a
    float 3-way head (the bundled model since 0.9.0: ``head3``) gives that head; otherwise the 3-way head
    starts from the two-way one (entailment row for entailment, the other row for the other two)."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}

    def deq(name: str) -> np.ndarray:
        q = init[name + "_quantized"].astype(np.float32)
        return (q - init[name + "_zero_point"].astype(np.float32)) * init[name + "_scale"].astype(np.float32)

    sd = model.state_dict()
    new: dict[str, torch.Tensor] = {}
    for emb in ("word", "pos", "tok_type"):
        new[f"{emb}.weight"] = torch.from_numpy(deq(f"{emb}.weight"))
    for n in g.node:
        if n.op_type == "MatMulInteger" and n.name.startswith("/layers."):
            layer, lin = n.name.split("/")[1], n.name.split("/")[2]
            w = n.input[1].removesuffix("_quantized")
            new[f"{layer}.{lin}.weight"] = torch.from_numpy(deq(w).T.copy())
    for k in sd:
        if k in init:  # biases and layer norms stay float in the int8 file
            new[k] = torch.from_numpy(init[k].copy())
    head_w = torch.from_numpy(deq("head.weight_Transposed").T.copy())  # (2, hidden): 0 not, 1 entailment
    head_b = torch.from_numpy(init["head.bias"].copy())
    new["head.weight"] = torch.stack([head_w[1], head_w[0], head_w[0]])
    new["head.bias"] = torch.stack([head_b[1], head_b[0], head_b[0]])
    if "head3.weight" in init and "head3.bias" in init and model.head.out_features == 3:
        w3 = torch.from_numpy(init["head3.weight"].copy())
        new["head.weight"] = w3.T.contiguous() if w3.shape[0] != 3 else w3  # stored (hidden, 3) for a MatMul
        new["head.bias"] = torch.from_numpy(init["head3.bias"].copy())
    missing = set(sd) - set(new)
    if missing:
        raise SystemExit(f"{path}: weights missing for {sorted(missing)[:5]}")
    model.load_state_dict(new)


def batch_plan(lengths: list[int], epochs: int, batch_size: int, rng: Any) -> list[list[int]]:
    """Training batches for ``epochs`` passes: each pass shuffled, cut into chunks of 50 batches whose
    items are sorted by length (little padding), the batches then shuffled (``rng``: random.Random)."""
    steps: list[list[int]] = []
    for _ in range(epochs):
        order = list(range(len(lengths)))
        rng.shuffle(order)
        chunk = batch_size * 50
        ep: list[list[int]] = []
        for c in range(0, len(order), chunk):
            part = sorted(order[c: c + chunk], key=lambda i: lengths[i])
            ep.extend(part[b: b + batch_size] for b in range(0, len(part), batch_size))
        rng.shuffle(ep)
        steps.extend(ep)
    return steps
