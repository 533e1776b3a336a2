# One entry point for everything: `make run` starts the app with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data

.PHONY: install run test lint typecheck pytest i18n bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/consequences i18n compile
	$(BIN)/consequences serve --data-dir $(DATA_DIR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/consequences i18n compile
	$(BIN)/pytest

test: lint typecheck pytest

i18n: install
	$(BIN)/consequences i18n extract
	$(BIN)/consequences i18n update
	$(BIN)/consequences i18n compile
	$(BIN)/consequences i18n stats

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
