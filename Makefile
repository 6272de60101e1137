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

# The 3-way entailment cross-encoder in src/storycheck/verify/data/nli (docs/nli_model.md): made on 2 shared
# CPU cores as the 0.8.0 two-way model's body (taken from git, commit a4d7982) with a new 3-logit head fit on
# its [CLS] state (train/nli3_head.py, ~10 min). train/train_nli3.py is the fuller recipe (top 2 layers
# trained over cached lower layers; `--tiny` runs its whole path in about a minute).
.PHONY: train-nli
train-nli: $(STAMP)
	$(PY) -m pip install --quiet -e '.[train]' scikit-learn
	mkdir -p .cache/nli-init
	test -s .cache/nli-init/model.onnx || git show a4d7982:src/storycheck/verify/data/nli/model.onnx \
		> .cache/nli-init/model.onnx
	$(PY) train/nli3_head.py --shared $(SHARED)
