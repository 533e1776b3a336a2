# One entry point for everything: `make run` starts the app with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data
# Test processes: pytest-xdist's "auto" is one per core.
WORKERS ?= auto
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet

.PHONY: install run test lint typecheck pytest i18n lock bench clean

# Pinned versions with hashes from the lock file; the project itself is installed editable.
$(BIN)/.installed: requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Consequences Card needs Python 3.11 or newer: run make with PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/consequences i18n compile
	$(BIN)/consequences postcodes import --data-dir $(DATA_DIR)
	$(BIN)/consequences services import content/demo/luton.json --if-empty --data-dir $(DATA_DIR)
	$(BIN)/consequences serve --data-dir $(DATA_DIR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/consequences i18n compile
	$(BIN)/pytest -n $(WORKERS)

test: lint typecheck pytest

i18n: install
	$(BIN)/consequences i18n extract
	$(BIN)/consequences i18n update
	$(BIN)/consequences i18n compile
	$(BIN)/consequences i18n stats

# Refresh the lock files from pyproject.toml. To upgrade one dependency:
#   make lock UPGRADE="--upgrade-package litestar"      (or UPGRADE=--upgrade for all)
lock: install
	$(LOCK) $(UPGRADE) -o requirements.lock
	$(LOCK) $(UPGRADE) --extra dev -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
