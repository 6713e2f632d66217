# Two commands matter: `make run` (app with demo data on http://127.0.0.1:8000) and
# `make test` (the whole suite). Both need nothing but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=true
HOST ?= 127.0.0.1:8000

.PHONY: install messages migrate run test lint format check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# GNU gettext's msgfmt where present; Babel (a dependency) compiles the same files elsewhere.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else \
		$(VENV)/bin/pybabel compile -d locale -D django --use-fuzzy >/dev/null; \
	fi

migrate: install
	@mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --no-input -v 0

run: messages migrate
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST)

test: messages
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(PY) manage.py check
	# The apps' one-way layers (docs/architecture.md).
	$(VENV)/bin/lint-imports
	# Types ([tool.mypy] in pyproject.toml): strict on every app's services and selectors.
	$(VENV)/bin/mypy
	# Security lint, medium severity and up; each `# nosec` says why on the line above it.
	$(VENV)/bin/bandit -r config contacts cases onboarding outbox reports accounts privacy reminders conversations audit portal demo -ll -q

clean:
	rm -rf $(VENV) var
