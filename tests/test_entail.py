"""Entailment backends: a tiny ONNX pair classifier built here, and a local OpenAI-style server."""

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from storycheck import ModelError
from storycheck.verify import (
    OnnxEntailment,
    OpenAICompatibleEntailment,
    entailment_from_env,
    score_claims,
)
from storycheck.verify._entail import BUNDLED_NLI_DIR


def _tiny_nli(folder):
    """Logits = mean over tokens of a per-word row: 'bridge' leans entailment, 'football' contradiction."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "bridge": 1, "closed": 2, "football": 3}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(folder / "tokenizer.json"))
    table = np.array([[0, 0, 0], [0, 0, 3], [0, 0, 1], [3, 0, 0]], dtype=np.float32)  # contradiction, neutral, entailment
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["rows"]),
         helper.make_node("ReduceMean", ["rows"], ["logits"], axes=[1], keepdims=0)],
        "tiny_nli",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor("table", TensorProto.FLOAT, table.shape, table.flatten())],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    (folder / "config.json").write_text(json.dumps({"id2label": {"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"}}))


def test_local_onnx_nli_directory(tmp_path, monkeypatch):
    _tiny_nli(tmp_path)
    nli = OnnxEntailment.from_directory(tmp_path)
    p = nli.entail([("bridge closed", "bridge"), ("football", "football"), ("closed", "closed")])
    assert p[0] > 0.8 and p[1] < 0.15 and 0.3 < p[2] < 0.7  # (the tiny model averages padding too)
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", str(tmp_path))
    assert isinstance(entailment_from_env(), OnnxEntailment)


def test_score_claims_mixes_in_the_entailment_backend(tmp_path, monkeypatch):
    _tiny_nli(tmp_path)
    rec = [{"id": 1, "claim": "The football club closed its stadium.", "source": "The football club closed its stadium on Monday."}]
    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "none")  # the claim model alone
    plain = score_claims(rec)[0]["score"]
    monkeypatch.delenv("STORYCHECK_NLI_MODEL")
    # another backend is a second opinion: the mean of it and the claim model alone (not the default combination)
    mixed = score_claims(rec, entailment=OnnxEntailment.from_directory(tmp_path))[0]["score"]
    nli = OnnxEntailment.from_directory(tmp_path).entail([("The football club closed its stadium on Monday.",
                                                           "The football club closed its stadium.")])[0]
    assert mixed == pytest.approx(0.5 * plain + 0.5 * nli, abs=2e-4)


def test_bad_nli_folder_is_a_model_error(tmp_path):
    (tmp_path / "config.json").write_text('{"id2label": {"0": "yes", "1": "no"}}')
    with pytest.raises(ModelError, match="entailment"):
        OnnxEntailment.from_directory(tmp_path)


class _Chat(BaseHTTPRequestHandler):
    answers: ClassVar[list] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Chat.seen.append((self.path, self.headers.get("Authorization"), body))
        doc = _Chat.answers.pop(0)
        data = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    _Chat.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Chat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_compatible_server(chat_server):
    _Chat.answers = [
        {"choices": [{"message": {"content": "Entailment."}, "logprobs": {"content": [
            {"token": "Ent", "logprob": -0.1, "top_logprobs": [{"token": "Ent", "logprob": -0.1},
                                                               {"token": "Neutral", "logprob": -2.5}]}]}}]},
        {"choices": [{"message": {"content": "contradiction"}}]},
    ]
    nli = OpenAICompatibleEntailment(chat_server, "local-nli", api_key="k")
    p = nli.entail([("The bridge closed.", "The bridge is closed."), ("The bridge closed.", "The bridge is open.")])
    assert p[0] == pytest.approx(np.exp(-0.1), abs=1e-4) and p[1] == 0.0
    path, auth, body = _Chat.seen[0]
    assert path == "/v1/chat/completions" and auth == "Bearer k" and body["model"] == "local-nli"
    assert "The bridge is closed." in body["messages"][0]["content"]


def test_unreachable_or_odd_server_is_a_model_error(chat_server):
    with pytest.raises(ModelError, match="failed"):
        OpenAICompatibleEntailment("http://127.0.0.1:9/v1", "x", timeout=2).entail([("a", "b")])
    _Chat.answers = [{"choices": [{"message": {"content": "banana"}}]}]
    with pytest.raises(ModelError, match="not an NLI label"):
        OpenAICompatibleEntailment(chat_server, "x").entail([("a", "b")])


# ---------------------------------------------------------------- the entailment model storycheck ships

_PREMISE = ("Larkspur officials shut the Merrow Bridge on Tuesday after inspectors found cracks in two of its "
            "steel beams. The 62-year-old bridge carries about 38,000 vehicles a day across the Tamsin River, "
            "and the city said repairs would take at least four months.")


def test_bundled_nli_folder_is_complete_and_small():
    config = json.loads((BUNDLED_NLI_DIR / "config.json").read_text())
    assert config["id2label"] == {"0": "entailment", "1": "neutral", "2": "contradiction"}
    assert 32 <= config["max_length"] <= 512
    assert (BUNDLED_NLI_DIR / "tokenizer.json").is_file()
    assert "Apache" in (BUNDLED_NLI_DIR / "LICENSE").read_text() and "CC BY-SA" in (BUNDLED_NLI_DIR / "LICENSE").read_text()
    assert 5e6 < (BUNDLED_NLI_DIR / "model.onnx").stat().st_size < 25e6  # int8, not the fp32 export


def test_bundled_nli_ranks_an_entailed_pair_above_changed_facts():
    nli = OnnxEntailment.bundled()
    assert OnnxEntailment.bundled() is nli  # loaded once
    p = nli.entail([
        (_PREMISE, "Larkspur officials shut the Merrow Bridge on Tuesday."),
        (_PREMISE, "Larkspur officials did not shut the Merrow Bridge on Tuesday."),  # negation
        (_PREMISE, "The football club sacked its manager after a run of six defeats."),  # another story
        (_PREMISE, "The 62-year-old bridge carries about 38,000 vehicles a day across the Tamsin River."),
        (_PREMISE, "The 62-year-old bridge carries about 94,000 vehicles a day across the Tamsin River."),  # number
    ])
    assert p.shape == (5,) and np.all((p >= 0) & (p <= 1))
    three = nli.probs([(_PREMISE, "Larkspur officials shut the Merrow Bridge on Tuesday."),
                       (_PREMISE, "Larkspur officials did not shut the Merrow Bridge on Tuesday."),
                       (_PREMISE, "The football club sacked its manager after a run of six defeats.")])
    assert nli.three_way and three.shape == (3, 3) and np.allclose(three.sum(axis=1), 1.0, atol=1e-5)
    # the negated claim is a contradiction, the other story is neutral rather than contradicted
    assert three[1, 2] > three[0, 2] and three[1, 2] > three[2, 2] and three[2, 1] > three[2, 2]
    assert p[0] > 0.5 and p[3] > 0.5
    assert p[0] > p[1] + 0.05  # measured 0.74 vs 0.60
    assert p[0] > p[2] + 0.3 and p[2] < 0.5  # measured 0.13
    # a number swap only nudges this CPU-capped model (held-out AUC 0.57, docs/nli_model.md): order, no margin
    assert p[3] > p[4]
    # int8 activations are quantised per batch (per tensor), so a pair's score moves with its batch-mates
    # (measured 0.034 here); batch_size=1 makes scores independent of the batch
    alone = nli.entail([(_PREMISE, "Larkspur officials did not shut the Merrow Bridge on Tuesday.")])
    assert alone[0] == pytest.approx(p[1], abs=0.06)
    single = OnnxEntailment(BUNDLED_NLI_DIR, batch_size=1)
    assert single.entail([(_PREMISE, "x"), (_PREMISE, "Larkspur officials did not shut the Merrow Bridge on Tuesday.")])[1] \
        == pytest.approx(alone[0], abs=1e-5)


def _corrupted_nli(folder):
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(BUNDLED_NLI_DIR / name, folder / name)
    (folder / "model.onnx").write_bytes(b"\x08\x07this is not an onnx graph" * 100)


def test_corrupted_nli_model_is_a_model_error(tmp_path):
    _corrupted_nli(tmp_path)
    with pytest.raises(ModelError, match="cannot load the entailment model"):
        OnnxEntailment.from_directory(tmp_path)


def test_corrupted_nli_model_exits_3_with_one_line(tmp_path):
    nli = tmp_path / "nli"
    nli.mkdir()
    _corrupted_nli(nli)
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"id": 1, "claim": "The bridge closed.", "source": "The bridge closed on Monday."}) + "\n")
    exe = Path(sys.executable).with_name("storycheck")
    r = subprocess.run([str(exe), "score-claims", "--fast", str(claims)], capture_output=True, text=True, timeout=300,
                       check=False, env={**os.environ, "STORYCHECK_NLI_MODEL": str(nli)})
    assert r.returncode == 3, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("storycheck: error:") and "entailment model" in lines[0]
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_the_bundled_model_is_named_by_the_environment(monkeypatch):
    from storycheck.verify import OnnxEntailment, entailment_from_env

    monkeypatch.setenv("STORYCHECK_NLI_MODEL", "bundled")
    backend = entailment_from_env()
    assert isinstance(backend, OnnxEntailment) and backend is OnnxEntailment.bundled()
    p = backend.entail([("The council approved the budget on Monday.", "The council approved the budget.")])
    assert 0.0 <= float(p[0]) <= 1.0
