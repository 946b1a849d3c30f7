# qms — two commands: `make run` serves the demo agency, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export QMS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test fuzz lint messages bench clean system-deps

$(BIN)/qms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(BIN)/qms
	$(BIN)/pip install --quiet -e '.[dev]'
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

lint: $(VENV)/.dev
	$(BIN)/ruff check $(wildcard qms tests seed bench)

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
