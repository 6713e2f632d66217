# One image for every role: web (gunicorn, the default command), worker, beat, migrate and
# backup (chosen by the command in docker-compose.yml or deploy/kubernetes/).

# --- Build stage: dependencies, compiled translations, collected static files --------------
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# gettext's msgfmt is needed only by compilemessages, so it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# Dependencies come from pyproject.toml alone, so a code change does not reinstall them.
# pyproject sets packages = [], so `pip install .` builds an empty project wheel and installs
# only the pinned dependencies, into a venv that the final stage copies whole.
RUN python -m venv /opt/venv
WORKDIR /tmp/deps
COPY pyproject.toml ./
RUN pip install .

WORKDIR /app
COPY . .
# The key below exists for these two commands only (settings refuse to load without one);
# it is not in the image's environment. compilemessages fails outright when no locale
# directory exists, and git keeps locale/ (LOCALE_PATHS) only once it holds a .po file.
RUN export SECRET_KEY=build-only-not-a-secret \
    && mkdir -p locale \
    && python manage.py compilemessages \
    && python manage.py collectstatic --no-input -v 0

# --- Final stage ---------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

# The code stays owned by root, so the app user can read it but not change it. The home
# directory is for gunicorn's control socket (~/.gunicorn); beat writes its schedule to /tmp.
RUN useradd --create-home --uid 10001 tilflytt

# pg_dump and pg_restore for `manage.py backup` and `restore` (Debian's 15, as the server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/venv /opt/venv
# The tree brings the PDF fonts (config/fonts/), so the image installs no font package.
COPY --from=build /app /app
# Stored files (welcome packs, e-mail attachments) are the one place the app writes; a named
# volume mounted here takes this ownership on first use (see docker-compose.yml).
RUN mkdir -p /app/var/media /backups && chown tilflytt /app/var/media /backups
WORKDIR /app
USER tilflytt

EXPOSE 8000
# Workers, threads, bind and access log: config/gunicorn.py (measured in docs/benchmarks.md).
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn"]
