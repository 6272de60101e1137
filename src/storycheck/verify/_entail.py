"""Entailment backends: an optional second opinion on whether evidence supports a claim.

storycheck ships its own small entailment cross-encoder (``verify/data/nli/``: all-MiniLM-L6-v2
fine-tuned on SNLI, WiCE and synthetic news pairs, int8 ONNX; see docs/nli_model.md and
train/train_nli.py), loaded by ``OnnxEntailment.bundled()``. A user can also point storycheck
at another model:

- a local folder with ``model.onnx`` (a sequence-pair classifier returning logits),
  ``tokenizer.json`` and ``config.json`` (its ``id2label``): ``OnnxEntailment``,
  ``$STORYCHECK_NLI_MODEL``;
- a local OpenAI-compatible server (llama.cpp, vLLM, Ollama, …):
  ``OpenAICompatibleEntailment``, ``$STORYCHECK_NLI_URL`` (+ ``$STORYCHECK_NLI_NAME``,
  ``$STORYCHECK_NLI_KEY``).

Both implement one method, ``entail(pairs) -> P(premise entails hypothesis)``.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .._exceptions import ModelError


@runtime_checkable
class EntailmentBackend(Protocol):
    model_id: str

    def entail(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """For each (premise, hypothesis): the probability that the premise entails it."""
        ...


#: The folder of the entailment model that ships inside the package.
BUNDLED_NLI_DIR = Path(__file__).resolve().parent / "data" / "nli"

_bundled: OnnxEntailment | None = None
_bundled_lock = threading.Lock()


class OnnxEntailment:
    """A sequence-pair classifier in ONNX, run by onnxruntime.

    ``max_length`` (tokens per pair, premise truncated first when longer) defaults to the
    folder's ``config.json`` ``max_length``, else 256.
    """

    def __init__(self, directory: str | os.PathLike[str], *, batch_size: int = 16,
                 max_length: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        d = Path(directory)
        try:
            config = json.loads((d / "config.json").read_text(encoding="utf-8"))
            labels = {int(k): str(v).lower() for k, v in config["id2label"].items()}
            self.entail_index = next(k for k, v in labels.items() if v.startswith("entail"))
            self.contradiction_index = next((k for k, v in labels.items() if v.startswith("contradict")), None)
            self.neutral_index = next((k for k, v in labels.items() if v.startswith("neutral")), None)
            # a second output that gives P(entails) by itself (the bundled model: the 0.8.0 two-way
            # head, kept beside the 3-way head on the same body): {"output": name, "index": i}
            ent = config.get("entailment_output")
            self._entail_output = (str(ent["output"]), int(ent["index"])) if ent else None
            if max_length is None:
                max_length = int(config.get("max_length", 256))
            self._tokenizer = Tokenizer.from_file(str(d / "tokenizer.json"))
            self._session = ort.InferenceSession(str(d / "model.onnx"), providers=["CPUExecutionProvider"])
        except StopIteration:
            raise ModelError(f"{d}: config.json id2label has no 'entailment' label") from None
        except (OSError, KeyError, ValueError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{d}: cannot load the entailment model: {exc}") from None
        except Exception as exc:  # noqa: BLE001 (onnxruntime raises its own classes)
            raise ModelError(f"{d}: cannot load the entailment model: {exc}") from None
        self._tokenizer.no_padding()  # padding is done per batch below, with the mask
        self._tokenizer.enable_truncation(max_length=max_length)
        self.max_length = max_length
        self._inputs = {i.name for i in self._session.get_inputs()}
        outputs = [o.name for o in self._session.get_outputs()]
        if self._entail_output and self._entail_output[0] not in outputs:
            raise ModelError(f"{d}: config.json entailment_output names no output of the model")
        self._outputs = [outputs[0]] + ([self._entail_output[0]] if self._entail_output else [])
        self.model_id = d.name
        self.batch_size = batch_size

    @classmethod
    def from_directory(cls, directory: str | os.PathLike[str]) -> OnnxEntailment:
        return cls(directory)

    @classmethod
    def bundled(cls) -> OnnxEntailment:
        """The entailment model shipped with storycheck, loaded once per process."""
        global _bundled
        with _bundled_lock:
            if _bundled is None:
                _bundled = cls(BUNDLED_NLI_DIR)
            return _bundled

    @property
    def three_way(self) -> bool:
        """Whether the model tells contradiction from neutral (the bundled model does)."""
        return self.contradiction_index is not None

    def probs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """For each (premise, hypothesis): P(entails), P(neutral), P(contradicts), one row of 3 per
        pair. A two-label model (entailment / not) gives P(not) as neutral and 0 as contradicts."""
        return self.heads(pairs)[:, :3].copy()

    def heads(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 5): the three columns of ``probs`` and then the 3-way head's own P(entails) and
        P(contradicts). For the bundled model ``probs`` takes P(entails) from the 0.8.0 two-way
        head and splits the rest as the 3-way head says; a model with one head gives the same
        P(entails) and P(contradicts) twice."""
        out = np.zeros((len(pairs), 5), dtype=np.float32)
        for b in range(0, len(pairs), self.batch_size):
            chunk = pairs[b : b + self.batch_size]
            try:
                got = self._session.run(self._outputs, self.feed(chunk))
            except Exception as exc:  # noqa: BLE001 (onnxruntime raises its own classes)
                raise ModelError(f"{self.model_id}: the entailment model failed to run: {exc}") from None
            p = _softmax(got[0])
            rows = out[b : b + len(chunk)]
            rows[:, 0] = rows[:, 3] = p[:, self.entail_index]
            if self.contradiction_index is not None:
                rows[:, 2] = rows[:, 4] = p[:, self.contradiction_index]
            if self._entail_output is not None:  # P(entails) from its own head; the rest split as the 3 say
                p_entail = _softmax(got[1])[:, self._entail_output[1]]
                rest = np.maximum(1.0 - rows[:, 0], 1e-9)
                rows[:, 2] = (1.0 - p_entail) * rows[:, 2] / rest
                rows[:, 0] = p_entail
            rows[:, 1] = 1.0 - rows[:, 0] - rows[:, 2]
        return out

    def feed(self, pairs: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
        """The model's inputs for one batch of (premise, hypothesis): word-piece ids, mask and
        segment ids, padded to the batch's longest pair."""
        encs = self._tokenizer.encode_batch(list(pairs))
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for r, e in enumerate(encs):
            ids[r, : len(e.ids)] = e.ids
            mask[r, : len(e.ids)] = 1
            types[r, : len(e.type_ids)] = e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return {k: v for k, v in feed.items() if k in self._inputs}

    def entail(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return self.probs(pairs)[:, 0].copy()


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


_PROMPT = ("Premise: {premise}\nHypothesis: {hypothesis}\n"
           "Does the premise entail the hypothesis? Answer with one word: entailment, neutral or contradiction.")
_ANSWER = {"entailment": 1.0, "neutral": 0.0, "contradiction": 0.0}


class OpenAICompatibleEntailment:
    """Asks a local OpenAI-compatible chat server for a one-word NLI label per pair.

    The probability is the answer's token probability when the server returns
    logprobs, else 1.0 for "entailment" and 0.0 otherwise.
    """

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.model_id = f"{model}@{base_url}"
        self.api_key = api_key
        self.timeout = timeout

    def _ask(self, premise: str, hypothesis: str) -> float:
        body = json.dumps({
            "model": self.model, "temperature": 0, "max_tokens": 3, "logprobs": True, "top_logprobs": 5,
            "messages": [{"role": "user", "content": _PROMPT.format(premise=premise, hypothesis=hypothesis)}],
        }).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # a URL the user chose
                doc = json.loads(resp.read())
        except (urllib.error.URLError, OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"{self.url}: entailment server failed: {exc}") from None
        try:
            choice = doc["choices"][0]
            word = choice["message"]["content"].strip().split()[0].strip(".,:;!").lower()
        except (KeyError, IndexError, TypeError, AttributeError):
            raise ModelError(f"{self.url}: unexpected answer from the entailment server") from None
        label = next((k for k in _ANSWER if k.startswith(word[:6])), None) if word else None
        if label is None:
            raise ModelError(f"{self.url}: the server answered {word!r}, not an NLI label")
        tokens = ((choice.get("logprobs") or {}).get("content") or [])
        if tokens and tokens[0].get("top_logprobs"):
            probs = {t["token"].strip().lower(): float(np.exp(t["logprob"])) for t in tokens[0]["top_logprobs"]}
            yes = sum(p for t, p in probs.items() if t and "entailment".startswith(t))
            return float(min(1.0, yes))
        return _ANSWER[label]

    def entail(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.array([self._ask(p, h) for p, h in pairs], dtype=np.float32)


def entailment_from_env() -> EntailmentBackend | None:
    """The backend the environment names, or None (the default: no entailment model).
    ``STORYCHECK_NLI_MODEL=bundled`` names the model that ships with storycheck (our
    CPU-trained cross-encoder, docs/nli_model.md), which the shipped claim model then
    combines with its own score (``combine``); any other model is a second opinion (the mean)."""
    folder = os.environ.get("STORYCHECK_NLI_MODEL")
    if folder and folder.lower() == "none":
        return None
    if folder == "bundled":
        return OnnxEntailment.bundled()
    if folder:
        return OnnxEntailment.from_directory(folder)
    url = os.environ.get("STORYCHECK_NLI_URL")
    if url:
        return OpenAICompatibleEntailment(url, os.environ.get("STORYCHECK_NLI_NAME", "default"),
                                          api_key=os.environ.get("STORYCHECK_NLI_KEY"))
    return None


def entailment_probs(backend: EntailmentBackend, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """(n, 3) P(entails, neutral, contradicts) from any backend: a backend with ``probs`` gives
    the three; one with ``entail`` only gives P(entails), the rest as neutral."""
    return entailment_heads(backend, pairs)[:, :3].copy()


def entailment_heads(backend: EntailmentBackend, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """(n, 5): the three columns of ``entailment_probs``, then the 3-way head's own P(entails) and
    P(contradicts) (``OnnxEntailment.heads``; the first and third again for a backend with one head)."""
    if not pairs:
        return np.zeros((0, 5), dtype=np.float32)
    heads = getattr(backend, "heads", None)
    if callable(heads):
        return np.asarray(heads(pairs), dtype=np.float32)
    probs = getattr(backend, "probs", None)
    if callable(probs):
        p = np.asarray(probs(pairs), dtype=np.float32)
    else:
        e = np.asarray(backend.entail(pairs), dtype=np.float32)
        p = np.column_stack([e, 1.0 - e, np.zeros_like(e)])
    return np.column_stack([p, p[:, 0], p[:, 2]])


def default_entailment() -> EntailmentBackend | None:
    """The entailment model the claim model's ``combine`` reads: the bundled one, or None when
    ``STORYCHECK_NLI_MODEL=none`` turns every entailment model off (the claim model alone).
    The shipped combination holds the claim model's verdicts (``combine["hold"]``), so ``compare``,
    ``story`` and the web, which show verdicts, do not run it; ``score-claims``, whose output is
    the score, runs it on every claim (docs/claim_model.md, "Held-out validation")."""
    if os.environ.get("STORYCHECK_NLI_MODEL", "").lower() == "none":
        return None
    return OnnxEntailment.bundled()


def is_bundled(backend: object) -> bool:
    """Whether ``backend`` is the entailment model that ships with storycheck."""
    return backend is not None and backend is _bundled
