# cinepass: `make run` starts the whole system on SQLite with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed

export CINEPASS_DATABASE_URL ?= sqlite+aiosqlite:///./var/cinepass.db

NPM_STAMP := frontend/node_modules/.installed
SPA := frontend/dist/index.html
SPA_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

.PHONY: install frontend api-types run test lint typecheck pytest bench bench-more clean

# Exactly the versions in uv.lock (cinepass itself editable); a lock older than pyproject.toml
# fails here: run `.venv/bin/uv lock` and commit uv.lock.
$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(BIN)/pip install --quiet --upgrade pip uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --extra dev --python $(BIN)/python --quiet
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install cinepass with its dev tools, as uv.lock pins them

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

$(SPA): $(NPM_STAMP) $(SPA_SOURCES)
	cd frontend && npm run build --silent

frontend: $(SPA) ## build the single-page app into frontend/dist

# The SPA's API types are committed; tests/test_frontend_types.py fails when they are stale.
api-types: install $(NPM_STAMP) ## regenerate frontend/src/api/schema.d.ts from the API's OpenAPI document
	$(BIN)/cinepass openapi --output var/openapi.json
	cd frontend && npm run api-types --silent

run: install frontend ## migrate, seed demo data, start the API and render server (Ctrl-C stops)
	$(BIN)/cinepass up

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck frontend pytest ## lint, type-check, build the SPA, then every test on SQLite and PostgreSQL

# Every goal's command runs even if one fails (exit 1: an unexpected answer or a lost write);
# then the summary. BENCH_MEMORY_REQUESTS shortens goal 6 (1,000,000 take about 30 minutes).
BENCH_MEMORY_REQUESTS ?= 100000
bench: install ## issue 14's goals on PostgreSQL, then their summary (see bench/README.md); needs wrk
	@status=0; \
	for command in "list_throughput" "web_hop" "page_growth" \
		"memory --requests $(BENCH_MEMORY_REQUESTS)" "sign_in" "my_list_writes"; do \
		$(BIN)/python -m bench.$$command || status=1; \
	done; \
	$(BIN)/python -m bench.goals; \
	exit $$status

bench-more: install ## the older benches: page latency at 1k/100k, metrics' and the audit's cost
	$(BIN)/python -m bench.api_throughput
	$(BIN)/python -m bench.observability_cost

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache frontend/node_modules frontend/dist
