# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# PostgreSQL for the second test pass: DATABASE_URL if set, else the local server CI machines have.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://root@127.0.0.1:5432/test)
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck test-sqlite test-postgresql browser-deps install clean bench

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: $(STAMP) var/secret_key
	ZHUQI_SECRET_KEY_FILE=var/secret_key $(BIN)/zhuqi run

browser-deps:
	@scripts/ensure-chromium

lint: $(STAMP)
	$(BIN)/ruff check src bench scripts
	$(BIN)/ruff format --check src bench scripts

typecheck: $(STAMP)
	ZHUQI_TESTING=1 $(BIN)/mypy

test-sqlite: $(STAMP) browser-deps
	ZHUQI_TESTING=1 DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test-postgresql: $(STAMP)
	@if $(BIN)/python scripts/database-reachable "$(TEST_DATABASE_URL)"; then \
		echo "PostgreSQL reachable: running the database tests on it"; \
		ZHUQI_TESTING=1 DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not browser"; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): tests ran on SQLite only"; \
		if [ "$$CI" = "true" ]; then echo "CI must test PostgreSQL"; exit 1; fi; \
	fi

test: lint typecheck test-sqlite test-postgresql

bench: $(STAMP)
	@echo "see bench/README.md"

clean:
	rm -rf $(VENV) var/static
