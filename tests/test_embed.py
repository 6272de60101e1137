"""The embedding backends: the bundled model, and loading a local model folder."""

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
    table, vocab = _tiny_model(tmp_path)
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
