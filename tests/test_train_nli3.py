"""`make train-nli` in its tiny form: the whole path (cached lower layers, top layers trained,
3-logit ONNX export, int8) on a few dozen pairs. Needs torch (the `train` extra) and ../shared/nli."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed (the train extra)"),
    pytest.mark.skipif(not (SHARED / "nli" / "snli_dev.jsonl").is_file(), reason="../shared/nli is absent"),
]


def test_tiny_three_way_training_gives_a_loadable_int8_model(tmp_path):
    sys.path.insert(0, str(ROOT / "train"))
    try:
        import train_nli3
    finally:
        sys.path.remove(str(ROOT / "train"))
    out = tmp_path / "model"
    assert train_nli3.main(["--tiny", "--shared", str(SHARED), "--out", str(out), "--work", str(tmp_path / "w"),
                            "--init", "base"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {"0": "entailment", "1": "neutral", "2": "contradiction"}
    from storycheck.verify._entail import OnnxEntailment

    nli = OnnxEntailment(out)
    assert nli.three_way
    pairs = [("The bridge closed on Tuesday.", "The bridge closed."), ("A dog runs.", "A cat sleeps.")]
    p = nli.probs(pairs)
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5) and (p >= 0).all()
    assert np.allclose(nli.entail(pairs), p[:, 0], atol=1e-6)  # the same batch: int8 activations are per batch
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps_done"] >= 1 and metrics["init"] == "all-MiniLM-L6-v2"
