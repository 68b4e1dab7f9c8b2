# Portal Integritas. The two commands that matter: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app portal
PORT   ?= 5000

.PHONY: run test test-fast lint lint-baseline setup system-deps system-deps-test translations db demo lock audit-deps check-translations screenshots document-pictures role-day-pictures bench clean

## make run: set everything up, load demo data into an empty database, serve on 127.0.0.1:$(PORT) with a job worker
run: system-deps setup db
	$(FLASK) seed
	$(FLASK) demo-if-empty
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

## make test: the same set-up, then the whole suite (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
## in random order (pytest-randomly; the seed is printed, `-p no:randomly` turns it off) on $(TEST_WORKERS)
## pytest-xdist workers, each with its own PostgreSQL database (<name>_gw0, ...); tests of one xdist_group
## (tests/multinode: one cluster of servers) stay on one worker. The storage tests also
## run against an object store: unless TEST_S3_ENDPOINT is set, scripts/objectstore.sh starts SeaweedFS
## on loopback (port OBJECTSTORE_S3_PORT, default 8333) and leaves it running (`scripts/objectstore.sh stop`).
TEST_WORKERS ?= 2
test: system-deps-test setup
	@if [ -z "$${TEST_S3_ENDPOINT:-}" ]; then \
	  endpoint="$$(scripts/objectstore.sh start)" || exit 1; \
	  export TEST_S3_ENDPOINT="$$endpoint" TEST_S3_ACCESS_KEY="$${OBJECTSTORE_ACCESS_KEY:-portal-test}" \
	         TEST_S3_SECRET_KEY="$${OBJECTSTORE_SECRET_KEY:-portal-test-secret}"; \
	fi; \
	echo "Object store for the storage tests: $$TEST_S3_ENDPOINT"; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## make test-fast: no set-up, no browser tests (tests/e2e), as many workers as CPUs
test-fast:
	$(BIN)/python -m pytest -n auto -m "not e2e" $(PYTEST_ARGS)

## make lint: ruff (lint, import order) and mypy on portal/; mypy's known errors are in mypy-baseline.txt,
## which may only shrink: a new error fails, and so does a fixed one until `make lint-baseline` records it.
lint: setup
	$(BIN)/ruff check portal
	$(BIN)/mypy | $(BIN)/mypy-baseline filter --baseline-path mypy-baseline.txt --no-colors --hide-stats

lint-baseline: setup
	$(BIN)/mypy | $(BIN)/mypy-baseline sync --baseline-path mypy-baseline.txt

setup: $(VENV)/.installed translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

translations: $(VENV)/.installed
	@$(FLASK) translate compile >/dev/null

db: $(VENV)/.installed
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

## Refresh the lock after changing pyproject.toml (everything, test tools included).
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

audit-deps: $(VENV)/.installed
	$(BIN)/python scripts/audit_deps.py

check-translations: setup
	$(BIN)/python -m pytest tests/test_i18n.py

screenshots: setup
	$(BIN)/python -m pytest tests/e2e -k screenshot -p no:cacheprovider

## Pictures of every official document from the demo data, for reviewers (docs/documents.md)
document-pictures: system-deps-test setup
	$(BIN)/python scripts/document_pictures.py

## Each role's home page at phone width, from the demo data (docs/role-days.md)
role-day-pictures: system-deps-test setup
	ROLE_DAY_PICTURES=$(CURDIR)/docs/role-days $(BIN)/python -m pytest tests/e2e/test_e2e_role_days.py -k every_home -p no:cacheprovider -p no:randomly -q
	rm -f docs/role-days/*-en-phone.png

clean:
	rm -rf $(VENV) .pytest_cache
