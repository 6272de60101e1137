# storycheck: `make demo` and `make test` work from a fresh clone with nothing installed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: demo test bench train install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(VENV)/bin/storycheck compare examples/merrow-bridge/ --html out/report.html
	@echo "HTML report: out/report.html"

test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		echo "make test: no Chromium found: the end-to-end browser tests will be SKIPPED (apt-get install chromium)"
	$(PY) -m ruff check src tests
	$(PY) -m mypy src
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/run.py --shared $(SHARED)

train: $(STAMP)
	$(PY) -m pip install --quiet scikit-learn
	$(PY) train/train_claims.py --shared $(SHARED)

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# The 3-way entailment cross-encoder in src/storycheck/verify/data/nli (docs/nli_model.md): CPU-capped
# (the 0.8.0 two-way model's lower 4 layers frozen and cached, the top 2 + a 3-logit head trained 3 epochs,
# <= 30 min of training). It starts from the 0.8.0 model, taken from git; without git, from all-MiniLM-L6-v2.
# `train/train_nli3.py --tiny` runs the whole path in about a minute.
.PHONY: train-nli
train-nli: $(STAMP)
	$(PY) -m pip install --quiet -e '.[train]' scikit-learn
	mkdir -p .cache/nli-init
	test -s .cache/nli-init/model.onnx || git show a4d7982:src/storycheck/verify/data/nli/model.onnx \
		> .cache/nli-init/model.onnx || rm -f .cache/nli-init/model.onnx
	$(PY) train/train_nli3.py --shared $(SHARED)
