# Two commands matter: `make run` (app with demo data on http://127.0.0.1:8000) and
# `make test` (the whole suite). Both need nothing but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# Links in e-mails and the printed login address follow HOST unless SITE_URL is set.
SITE_URL ?= http://$(HOST)
DEV_ENV := DEBUG=true SITE_URL=$(SITE_URL)

.PHONY: install install-dev messages migrate run test lint format check clean

# `make run` needs only the runtime dependencies; the test and lint tools (Playwright,
# schemathesis, moto, mypy...) come with `make test` and `make check`.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# GNU gettext's msgfmt where present; Babel (a dependency) compiles the same files elsewhere.
# Neither compiles a fuzzy entry: a guess is never shipped (tests/test_translations.py).
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else \
		$(VENV)/bin/pybabel compile -d locale -D django >/dev/null; \
	fi

migrate: install
	@mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --no-input -v 0

run: messages migrate
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST)

test: install-dev messages
	$(VENV)/bin/pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
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
	$(VENV)/bin/bandit -r config contacts cases onboarding outbox reports accounts privacy reminders outcomes conversations audit portal demo operations imports administration occupations jobs -ll -q

clean:
	rm -rf $(VENV) var
