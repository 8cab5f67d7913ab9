# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-pip.lock requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# PostgreSQL for the second test pass: DATABASE_URL if set, else the local server CI machines have.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://root@127.0.0.1:5432/test)
PYTEST_WORKERS ?= 2
# Where `make run` listens: `PORT=8123 make run`, `HOST=0.0.0.0 make run` (then set ZHUQI_ALLOWED_HOSTS).
HOST ?= 127.0.0.1
PORT ?= 8000
# The var directory (SQLite, uploads, the secret key); every `zhuqi` command looks there for the key.
ZHUQI_VAR_DIR ?= var

.PHONY: run test lint typecheck test-sqlite test-postgresql browser-deps install clean bench

$(STAMP): requirements-pip.lock requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

$(ZHUQI_VAR_DIR)/secret_key:
	mkdir -p $(ZHUQI_VAR_DIR)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(STAMP) $(ZHUQI_VAR_DIR)/secret_key
	ZHUQI_VAR_DIR="$(ZHUQI_VAR_DIR)" $(BIN)/zhuqi run --host "$(HOST)" --port "$(PORT)"

browser-deps:
	@scripts/ensure-chromium

lint: $(STAMP)
	$(BIN)/ruff check src bench scripts
	$(BIN)/ruff format --check src bench scripts
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	ZHUQI_TESTING=1 $(BIN)/mypy

test-sqlite: $(STAMP) browser-deps
	ZHUQI_TESTING=1 DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test-postgresql: $(STAMP)
	@if $(BIN)/python scripts/database-reachable "$(TEST_DATABASE_URL)"; then \
		echo "PostgreSQL reachable: running the database tests on it"; \
		scripts/ensure-postgresql-client; \
		ZHUQI_TESTING=1 DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not browser"; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): tests ran on SQLite only"; \
		if [ "$$CI" = "true" ]; then echo "CI must test PostgreSQL"; exit 1; fi; \
	fi

test: lint typecheck test-sqlite test-postgresql

bench: $(STAMP)
	@echo "see bench/README.md"

# The single-machine deployment (deploy/single/) brought up on this machine and used through
# nginx over HTTPS (docs/deployment.md, "The deployment test"). Installs Debian's nginx if it is
# missing; needs the PostgreSQL server of TEST_DATABASE_URL (its own database, dropped after).
# Not in `make test`: it takes minutes.
.PHONY: deploy-test
deploy-test: $(STAMP)
	$(BIN)/python scripts/deploy_test.py --server "$(TEST_DATABASE_URL)"

clean:
	rm -rf $(VENV) var/static
