# Routing Groups. `make run` and `make test` do every set-up step on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
export LITELLM_LOCAL_MODEL_COST_MAP := True
HOST ?= 127.0.0.1
PORT ?= 4000
CONFIG ?= examples/demo-config.yaml

.PHONY: run dev test lint bench install ui chromium wrk test-py test-ui test-e2e schema codegen fixtures clean

.venv/.installed: pyproject.toml constraints.txt
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src frontend/index.html frontend/graphiql.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build

tools/prisma-schema-check/node_modules/.installed: tools/prisma-schema-check/package.json tools/prisma-schema-check/package-lock.json
	cd tools/prisma-schema-check && npm ci --no-audit --no-fund
	touch $@

install: .venv/.installed frontend/node_modules/.installed tools/prisma-schema-check/node_modules/.installed

ui: frontend/dist/index.html

run: install ui
	$(PY) -m gql_server --host $(HOST) --port $(PORT) --config $(CONFIG)

dev: install
	@echo "API on :$(PORT) (reload), UI dev server on :5173 (proxying /graphql and /v1)"
	( $(PY) -m uvicorn gql_server.app:dev_app --factory --reload --host $(HOST) --port $(PORT) & \
	  cd frontend && npm run dev -- --host $(HOST) ; kill %1 )

wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	else echo "The production bench needs Debian's wrk: run 'sudo apt-get install -y wrk'." >&2; exit 1; fi

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else echo "Browser tests need Debian's chromium: run 'sudo apt-get install -y chromium' (or make test as root)." >&2; exit 1; fi

schema: .venv/.installed
	$(PY) -m schema.export > schema.graphql

codegen: frontend/node_modules/.installed
	cd frontend && npm run codegen

# The UI's reducer tests compare with the server's own statistics: these JSON files are written
# by the server code. tests/unit/test_ui_fixtures.py fails when they are stale.
FIXTURES := frontend/src/features/simulation/utils/__fixtures__
fixtures: .venv/.installed
	PYTHONPATH=. $(PY) $(FIXTURES)/make_server_summary.py
	PYTHONPATH=. $(PY) $(FIXTURES)/make_server_timeline.py

lint: install
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/lint-imports
	$(PY) tools/house_rules.py gql_server schema
	cd frontend && npm run lint && npm run typecheck && npm run codegen:check

# The multi-instance suites need both; tests marked postgres/redis fail (never skip) without them.
TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

test-py: .venv/.installed tools/prisma-schema-check/node_modules/.installed
	TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest

test-ui: frontend/node_modules/.installed
	cd frontend && npm test

test-e2e: install ui chromium
	cd frontend && npm run e2e

test: install ui chromium lint test-py test-ui test-e2e

bench: install ui chromium
	$(PY) -m benchmarks
	$(MAKE) wrk && $(PY) -m benchmarks.litellm_venv .bench/litellm-proxy-venv && $(PY) -m benchmarks.production --workers 1,2
	# --trace off: the trace recorder (screencast, snapshots) adds hundreds of long tasks of its own.
	cd frontend && E2E_LONG_RUN_REQUESTS=100000 npx playwright test simulation --grep "never blocks the page" --trace off --reporter=line
	$(PY) -m benchmarks.longtask test-results/longtask.json

clean:
	rm -rf .venv frontend/node_modules frontend/dist data
