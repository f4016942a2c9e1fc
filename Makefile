# Timeline: make run (set up and start the dashboard), make test (set up and run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PROJECT_STAMP := $(VENV)/.project-installed
DB_FILE := data/timeline.db
PORT ?= 8501
# The address the dashboard listens on: this machine only. HOST=0.0.0.0 make run serves the
# network (then adding articles needs an editor secret: see README, "Limits").
HOST ?= 127.0.0.1

.PHONY: default install sample run test bench eval clean

default: test

install: $(STAMP) $(PROJECT_STAMP)

# Re-installs only when requirements.txt changes (idempotent and fast otherwise).
$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

# The project itself, editable (its dependencies are the pins above): anything started from .venv,
# the `dask scheduler` and `dask worker` commands included, imports this checkout's pipeline from
# any folder. Re-done only when pyproject.toml changes.
$(PROJECT_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	@touch $(PROJECT_STAMP)

# The embedded default store gets the sample articles on every start: re-ingesting adds nothing
# (the summary says "already known"), and a store that exists but is empty still gets them.
sample: install
	$(PY) -m pipeline ingest data/articles --db sqlite:///$(DB_FILE)

run: install sample
	$(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Every test in UTC, then the date-sensitive ones again far from UTC (dates must not shift).
test: install
	TZ=UTC $(PY) -m pytest -q
	TZ=Pacific/Auckland $(PY) -m pytest -q -p no:cacheprovider tests/test_timex.py tests/test_events.py tests/test_seed.py tests/test_article.py tests/test_knowledge.py

bench: install
	$(PY) bench/run_all.py

eval: install
	$(PY) bench/eval_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis $(DB_FILE) $(DB_FILE)-wal $(DB_FILE)-shm build timeline.egg-info
