# qms — two commands: `make run` serves the demo agency, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export QMS_DATA_DIR ?= $(CURDIR)/var

# Versions come from the lock files, never from whatever is newest today:
#   requirements/run.lock  what `make run` installs (the runtime dependencies)
#   requirements/dev.lock  the same pins plus the dev extras, for `make test` and CI
# Each pin carries its hashes (pip's --require-hashes mode), build backend included, and
# qms itself is installed without build isolation so nothing unpinned is fetched.
# `make lock` refreshes both files from the ranges in pyproject.toml.
LOCK_RUN := requirements/run.lock
LOCK_DEV := requirements/dev.lock
# pip speaks only of errors (-qq): the notices of a machine's own pip configuration are
# not qms's to show.
PIP_LOCKED := $(BIN)/pip install -qq --require-hashes --no-deps
PIP_COMPILE := $(BIN)/pip-compile --quiet --upgrade --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links --build-deps-for editable

.PHONY: run test fuzz lint typecheck lock messages bench clean system-deps audit-deps

$(BIN)/qms: pyproject.toml $(LOCK_RUN)
	@echo "installing the locked dependencies into $(VENV) (first run, about half a minute)"
	$(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) -r $(LOCK_RUN)
	$(BIN)/pip install -qq --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev: $(BIN)/qms $(LOCK_DEV)
	$(PIP_LOCKED) -r $(LOCK_DEV)
	@touch $@

run: $(BIN)/qms
	$(BIN)/qms seed --demo
	$(BIN)/qms serve --host $(HOST) --port $(PORT)

# Chromium (browser tests), poppler and LibreOffice (record checks) come from Debian.
system-deps:
	@bash scripts/system-deps.sh

test: $(VENV)/.dev system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# The API fuzzing test of `make test`, longer and with a new seed each time (printed, so
# that FUZZ_SEED=N replays a run); QMS_TEST_DATABASE_URL applies as for `make test`.
FUZZ_EXAMPLES ?= 200
ifndef FUZZ_SEED
FUZZ_SEED := $(shell date +%s)
endif
fuzz: $(VENV)/.dev
	@echo "API fuzzing: $(FUZZ_EXAMPLES) examples per operation, FUZZ_SEED=$(FUZZ_SEED)"
	QMS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) QMS_FUZZ_SEED=$(FUZZ_SEED) $(BIN)/pytest tests/test_api_fuzz.py $(PYTEST_ARGS)

# After changing the dependencies in pyproject.toml, or to take newer releases: the runtime
# lock first, then the dev lock constrained by it, so the two agree on every shared pin.
lock: $(VENV)/.dev
	$(PIP_COMPILE) -o $(LOCK_RUN) pyproject.toml
	$(PIP_COMPILE) --extra dev -c $(LOCK_RUN) -o $(LOCK_DEV) pyproject.toml
	@echo "lock: refreshed $(LOCK_RUN) and $(LOCK_DEV); run make test before committing them"

# Known vulnerabilities in the locked dependencies (pip-audit, over the network): fails on
# one that has a fix (exit 1), or when the pins could not be looked up (exit 2); AUDIT_IGNORE="ID ..." skips
# advisories judged not to apply.
AUDIT_IGNORE ?=
audit-deps: $(VENV)/.dev
	$(BIN)/python scripts/audit_deps.py $(LOCK_RUN) $(LOCK_DEV) $(foreach id,$(AUDIT_IGNORE),--ignore-vuln $(id))

# ruff, then the import contracts of pyproject.toml: the core imports no capability and each
# capability only those below it.
lint: $(VENV)/.dev
	$(BIN)/ruff check $(wildcard qms tests seed bench scripts)
	$(BIN)/lint-imports

# Settings (the pydantic plugin, strictness, packages without types) are in pyproject.toml.
typecheck: $(VENV)/.dev
	$(BIN)/mypy

# Babel skips folders starting with "_" by default, which would miss templates/_macros.
messages: | $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -o qms/locale/messages.pot --no-location --sort-output --omit-header \
		--ignore-dirs='.* __pycache__ _bundled' .
	$(BIN)/pybabel update -i qms/locale/messages.pot -d qms/locale -l vi --no-fuzzy-matching \
		--init-missing --ignore-pot-creation-date
	$(BIN)/pybabel compile -d qms/locale --statistics

bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
