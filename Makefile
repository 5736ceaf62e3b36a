# regionlink — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RUNTIME__DLTHUB_TELEMETRY := false
export DAGSTER_DISABLE_TELEMETRY := 1
export REGIONLINK_WAREHOUSE ?= .warehouse

.PHONY: install demo ui test lock clean

install: $(STAMP)

# The lock file pins every package; the project itself is installed editable on top, without re-resolving.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

lock:
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --quiet -o requirements.lock

# The demo exchange: starts the bundled demo portal (synthetic agency data) on 127.0.0.1, syncs the
# neighbour Đà Nẵng (48) into .warehouse-danang/, then Huế (46) into .warehouse/ — including the dataset
# Đà Nẵng shares with it, verified — prints the summary and stops the portal. One Huế dataset fails a
# critical expectation on purpose. Demo keys are made once in .regionlink/demo-keys.json.
demo: install
	$(BIN)/python -m orchestration.demo

# Dagster UI on Huế's demo estate (http://127.0.0.1:3000) after the neighbour's sync; Ctrl-C stops it all.
ui: install
	$(BIN)/python -m orchestration.demo --ui

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf .warehouse .warehouse-danang .regionlink .dagster
