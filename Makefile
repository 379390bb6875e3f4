# eventwire: `make run` installs and codes the bundled samples; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := src/eventwire/data/samples
DB ?= eventwire.duckdb

.PHONY: install run test bench clean serve loadtest reliability

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/eventwire ingest $(SAMPLES) --db $(DB)
	$(BIN)/eventwire summary --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest -q

serve: $(STAMP)
	$(BIN)/eventwire demo --db eventwire-demo.duckdb

loadtest: $(STAMP)
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/pip install --quiet -e '.[loadtest]'
	$(BIN)/python benchmarks/loadtest/run.py
	$(BIN)/python benchmarks/loadtest/schema_check.py

reliability: $(STAMP)
	$(BIN)/pip install --quiet -e '.[loadtest]'
	$(BIN)/python benchmarks/reliability/run.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache build src/*.egg-info
