# cinepass: `make run` starts the whole system on SQLite with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed

export CINEPASS_DATABASE_URL ?= sqlite+aiosqlite:///./var/cinepass.db

.PHONY: install run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/pip install --quiet --upgrade pip uv
	$(UV) pip install --python $(BIN)/python --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install cinepass with its dev tools

run: install ## migrate, seed demo data, start the API
	$(BIN)/cinepass db upgrade
	$(BIN)/cinepass seed
	$(BIN)/cinepass api

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest ## lint, type-check, then the whole suite on SQLite and PostgreSQL

bench: install ## benchmarks on PostgreSQL (see bench/README.md)
	$(BIN)/python -m bench.api_throughput

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
