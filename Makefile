# Two entry points for a fresh machine (see README.md):
#   make run    set up, build the database with demo data, open the dashboard
#   make test   set up and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_REPORTS ?= 200000
DEMO_SEED    ?= 42

.PHONY: run test setup setup-test db clean-db

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(BIN)/ntswatch init --if-missing
	$(BIN)/ntswatch demo --if-empty --reports $(DEMO_REPORTS) --seed $(DEMO_SEED)

run: db
	$(BIN)/streamlit run app.py

test: setup
	$(BIN)/python -m pytest -q -ra

clean-db:
	rm -f data/ntswatch.duckdb data/ntswatch.duckdb.wal
