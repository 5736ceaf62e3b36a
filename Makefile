# regionlink — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RUNTIME__DLTHUB_TELEMETRY := false
export DAGSTER_DISABLE_TELEMETRY := 1
export REGIONLINK_WAREHOUSE ?= .warehouse
PORTAL_URL_FILE := .regionlink/demo-portal.url

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

# Starts the bundled demo portal (synthetic Huế agency data) on 127.0.0.1, syncs it into .warehouse/,
# prints the summary, stops the portal. One demo dataset fails a critical expectation on purpose.
demo: install
	@mkdir -p .regionlink
	@setsid $(BIN)/python -m pipelines.demo.portal --url-file $(PORTAL_URL_FILE) > .regionlink/demo-portal.log 2>&1 & \
	portal=$$!; trap 'kill -TERM -- -$$portal 2>/dev/null || kill $$portal 2>/dev/null' EXIT; \
	for i in $$(seq 50); do test -s $(PORTAL_URL_FILE) && break; sleep 0.2; done; \
	export DEMO_PORTAL=$$(cat $(PORTAL_URL_FILE)); echo "demo portal: $$DEMO_PORTAL"; \
	$(BIN)/regionlink validate && { $(BIN)/regionlink sync; status=$$?; }; \
	$(BIN)/regionlink catalog; \
	if [ "$$status" = 1 ]; then echo "(exit 1 above is expected: hospital_beds fails a critical expectation and is quarantined)"; fi; \
	test "$$status" -le 1

# Dagster UI on the demo estate (http://127.0.0.1:3000); Ctrl-C stops UI and portal.
ui: install
	@mkdir -p .dagster .regionlink && cp deploy/dagster.yaml .dagster/dagster.yaml
	@setsid $(BIN)/python -m pipelines.demo.portal --url-file $(PORTAL_URL_FILE) > .regionlink/demo-portal.log 2>&1 & \
	portal=$$!; trap 'kill -TERM -- -$$portal 2>/dev/null' EXIT; \
	for i in $$(seq 50); do test -s $(PORTAL_URL_FILE) && break; sleep 0.2; done; \
	DEMO_PORTAL=$$(cat $(PORTAL_URL_FILE)) DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf .warehouse .regionlink .dagster
