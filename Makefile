# Each target sets up .venv on first use, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint browser office install lock clean airflow airflow-celery

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/fundscout demo

test: lint browser office
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff's linter and formatter, configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Debian's Chromium for the browser tests (playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| { echo "browser tests need Debian's chromium: sudo apt-get install -y chromium"; exit 1; }

# Debian's LibreOffice for the workbook render tests (tests/digests/test_render.py prints digests to PDF).
office:
	@test -x /usr/bin/soffice || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui >/dev/null; } \
		|| { echo "workbook render tests need Debian's LibreOffice: sudo apt-get install -y libreoffice-calc-nogui"; exit 1; }

# Airflow UI and scheduler on 127.0.0.1:8080 with the project's DAGs (scripts/airflow.sh, README "Airflow").
airflow: $(STAMP)
	scripts/airflow.sh standalone

# The same DAGs on CeleryExecutor: PostgreSQL metadata DB, Redis broker, one local worker.
airflow-celery: $(STAMP)
	scripts/airflow.sh celery

# Re-resolve the pinned versions after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile --python-version 3.11 pyproject.toml --extra dev --extra airflow -o requirements.lock --no-header --quiet

clean:
	rm -rf $(VENV) var
