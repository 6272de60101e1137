"""The device path of the 3-way entailment model (train/nli3_device.py), in its tiny form on the CPU:
prepare here, train with nothing of storycheck's run time importable (as on the device machine), finish
here into a model folder storycheck loads. Skipped without torch and onnx (the train extra) or ../shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCRIPT = ROOT / "train" / "nli3_device.py"

pytest.importorskip("torch", reason="torch is not installed (the train extra)")
pytest.importorskip("onnx", reason="onnx is not installed (the train extra)")
if not (SHARED / "nli" / "snli_dev.jsonl").is_file():
    pytest.skip("../shared/nli is absent", allow_module_level=True)

#: What the device machine lacks: the train step must run without them.
NOT_ON_DEVICE = ("storycheck", "onnxruntime", "tokenizers", "lingua", "sklearn")


def _run(*args: str, block: tuple[str, ...] = ()) -> str:
    code = ("import runpy, sys\n"
            f"for m in {list(block)!r}: sys.modules[m] = None\n"
            f"sys.argv = {[str(SCRIPT), *args]!r}\n"
            f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n")
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "SHARED": str(SHARED)}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_prepare_train_without_storycheck_and_finish(tmp_path: Path) -> None:
    data, back, model = tmp_path / "data", tmp_path / "back", tmp_path / "model"
    _run("prepare", "--tiny", "--out", str(data))
    man = json.loads((data / "manifest.json").read_text())
    assert man["sets"]["train"] > 0 and (data / "train.npz").is_file()
    _run("train", "--tiny", "--data", str(data), "--out", str(back), block=NOT_ON_DEVICE)
    files = sorted(p for p in back.iterdir())
    assert len(files) <= 8 and all(p.stat().st_size <= 16 * 2**20 for p in files)  # what a device gives back
    spec = json.loads((back / "weights.json").read_text())
    names = {t["name"] for t in spec["tensors"]}
    assert "word.weight" not in names and {"head.weight", "layers.5.out.weight"} <= names
    _run("finish", "--data", str(data), "--weights", str(back), "--out", str(model))
    from storycheck.verify._entail import OnnxEntailment

    p = OnnxEntailment.from_directory(model).probs([("The bridge fell at 1:30 a.m.", "The bridge fell.")])
    assert p.shape == (1, 3) and abs(float(p.sum()) - 1.0) < 1e-3


def test_train_resumes_from_the_weights_an_earlier_run_returned(tmp_path: Path) -> None:
    """Several CPU sessions make one longer run: ``--resume`` starts from the shards a train step wrote, so
    the resumed run's figures before training are the first run's figures after it."""
    data, back, again = tmp_path / "data", tmp_path / "back", tmp_path / "again"
    _run("prepare", "--tiny", "--out", str(data), "--init", "src/storycheck/verify/data/nli/model.onnx")
    _run("train", "--tiny", "--data", str(data), "--out", str(back), "--head-lr", "0.05", block=NOT_ON_DEVICE)
    _run("train", "--tiny", "--data", str(data), "--out", str(again), "--resume", str(back), block=NOT_ON_DEVICE)
    first = json.loads((back / "metrics.json").read_text())
    second = json.loads((again / "metrics.json").read_text())
    assert first["held_out_before"] != first["held_out_after"]  # the first run moved the model
    for name, after in first["held_out_after"].items():
        for k, v in after.items():
            assert second["held_out_before"][name][k] == pytest.approx(v, abs=0.03), (name, k)
