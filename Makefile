# linehub: `make run` serves the demo on :8000, `make test` runs the suite on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_DSN ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install run serve migrate demo test test-sqlite test-postgres lint format schema bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	mkdir -p var
	$(BIN)/linehub migrate
	$(BIN)/linehub demo --if-empty
	$(BIN)/linehub serve --host $(HOST) --port $(PORT)

migrate: install
	mkdir -p var
	$(BIN)/linehub migrate

demo: install
	$(BIN)/linehub demo

# Twice: SQLite (embedded default) and PostgreSQL (production). Each run makes its own
# throwaway database and drops it afterwards; an unreachable PostgreSQL fails the run
# unless LINEHUB_SKIP_PG=1 is set by hand.
test: install
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	LINEHUB_TEST_DB=sqlite $(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: install
	LINEHUB_TEST_DB=postgres LINEHUB_TEST_PG_DSN=$(PG_DSN) $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	# the import contract of API.md section 1 (also a test)
	$(BIN)/python -m tests.layering

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(BIN)/linehub schema > schema.graphql

makemigrations: install
	$(BIN)/linehub makemigrations

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
