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

# The entailment cross-encoder in src/storycheck/verify/data/nli (docs/nli_model.md): CPU-capped
# defaults (20,000 pairs, 2 epochs, max_length 128, <= 28 min of training); uses CUDA + bf16 when present.
.PHONY: train-nli
train-nli: $(STAMP)
	$(PY) -m pip install --quiet -e '.[train]'
	$(PY) train/train_nli.py --shared $(SHARED)
