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

POSTCODES := ../shared/data/postcodes

run: install
	$(BIN)/consequences i18n compile
	@if [ -d $(POSTCODES) ]; then \
		$(BIN)/consequences postcodes import $(POSTCODES)/uk_postcode_districts.csv \
			$(POSTCODES)/uk_postcode_sectors.csv \
			$(POSTCODES)/uk_postcode_districts_ni_ci_iom_geonames.csv --data-dir $(DATA_DIR); \
	fi
	$(BIN)/consequences services import content/demo/luton.json --if-empty --data-dir $(DATA_DIR)
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
