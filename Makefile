# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

.PHONY: setup run chat test test-fast check lint i18n bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D messages -l $*

setup: $(STAMP) $(CATALOGS)

# `labor-bot` reads ./.env itself (a variable set in the environment wins over it).
run: setup
	$(BIN)/labor-bot serve --port $(PORT)

chat: setup
	$(BIN)/labor-bot chat

test: setup
	$(BIN)/labor-bot flows check
	$(BIN)/pytest -q -rs

# The same without the tests marked `slow` (faults, clusters, whole servers, the browser, fuzzing,
# real waits): for the edit-test loop; `make test` (and CI) still runs everything.
test-fast: setup
	$(BIN)/labor-bot flows check
	$(BIN)/pytest -q -rs -m "not slow"

lint: setup
	$(BIN)/ruff check bot webhooks tests bench
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.micro
	$(BIN)/python -m bench.matcher_eval
	$(BIN)/python -m bench.urgent_eval

LANGS := en

# Catalogs are sorted by text and carry no file:line, so moving code never rewrites them; an edited
# source text keeps its old translation as a fuzzy suggestion for the translator (never shown).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --sort-output --no-location \
		--project labor-bot --copyright-holder "labor-bot contributors" --width 100 .
	for lang in $(LANGS); do \
		test -f locales/$$lang/LC_MESSAGES/messages.po \
			|| $(BIN)/pybabel init -i locales/messages.pot -d locales -D messages -l $$lang; \
	done
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --width 100 --ignore-obsolete
	$(BIN)/pybabel compile --statistics -d locales -D messages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
