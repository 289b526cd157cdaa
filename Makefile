# Two entry points for a fresh machine (see README.md):
#   make run    set up, build the database with demo data, open the dashboard
#   make test   set up and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_REPORTS ?= 200000
DEMO_SEED    ?= 42

.PHONY: run server test test-fast guide setup db chromium postgres clean-db

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(BIN)/ntswatch init --if-missing
	$(BIN)/ntswatch demo --if-empty --reports $(DEMO_REPORTS) --seed $(DEMO_SEED)
	$(BIN)/ntswatch users demo

# The embedded demo opens signed in as demo-analyst (NTSWATCH_DEMO_AUTOLOGIN), listening on this machine only:
# the auto-login is refused on any other address and for admin accounts. Never set it on a real server.
run: db
	NTSWATCH_DEMO_AUTOLOGIN=demo-analyst $(BIN)/streamlit run app.py --server.address 127.0.0.1

# The multi-user layout on one machine: a PostgreSQL cluster in data/pg/, two dashboards (8501, 8502) and the
# public form as its own app (8503) with the intake role (docs/deploy.md). Ctrl+C stops everything.
server: setup postgres
	$(BIN)/ntswatch serve

# Browser tests drive Debian's chromium through playwright (its own browser download does not work offline).
# poppler-utils (pdftoppm, pdftotext): the briefing PDF tests render and read the PDF.
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium poppler-utils >/dev/null; fi; }

# The PostgreSQL tests start a throwaway cluster of their own (ntswatch_geo/pg/cluster.py) with Debian's
# PostgreSQL 15 and PostGIS 3; the machine's own clusters are not used.
PG_BIN := /usr/lib/postgresql/15/bin
postgres:
	@test -x $(PG_BIN)/pg_ctl && test -f /usr/share/postgresql/15/extension/postgis.control || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql postgresql-15-postgis-3 >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql postgresql-15-postgis-3 >/dev/null; fi; }

# -n auto: one worker per core (pytest-xdist); --dist loadfile keeps each test file on one worker, so its
# module fixtures (a built database, a Streamlit server, a Chromium) are made once.
PYTEST_PAR ?= -n auto --dist loadfile
test: setup chromium postgres
	$(BIN)/python -m pytest -q -ra $(PYTEST_PAR)

# The quick loop: everything but the browser tests (no chromium needed; poppler-utils for the PDF tests).
test-fast: setup postgres
	$(BIN)/python -m pytest -q -ra -m "not browser" $(PYTEST_PAR)

# The user guide's pictures (docs/guide/img/): the browser tests that walk each role's tasks in Thai and English
# save them, small, when NTSWATCH_GUIDE_SHOTS=1. Run it after a UI change and commit the PNGs with the change.
guide: setup chromium
	NTSWATCH_GUIDE_SHOTS=1 $(BIN)/python -m pytest -q -ra tests/test_browser_guide.py

clean-db:
	rm -f data/ntswatch.duckdb data/ntswatch.duckdb.wal
