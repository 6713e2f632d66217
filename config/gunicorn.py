"""gunicorn's settings for production, in one place (Dockerfile, docker-compose.yml and
deploy/kubernetes run `gunicorn config.wsgi:application --config python:config.gunicorn`).

Measured by `bench/run.py --compare` (docs/benchmarks.md, "National scale, issue 24"):
the case list's requests per second at concurrency 8, this setting against the three sync
workers it replaces, in one run. WEB_CONCURRENCY and WEB_THREADS override the counts for a
host with more cores (a rule of thumb: workers = cores + 1).
"""

from config.env import env_int

bind = "0.0.0.0:8000"
workers = env_int("WEB_CONCURRENCY", 3)
# Threads let a worker serve another request while one waits on PostgreSQL, Redis or the
# network; each thread holds its own database connection (CONN_MAX_AGE), so PostgreSQL
# sees workers x threads connections per web process at most.
threads = env_int("WEB_THREADS", 4)
worker_class = "gthread"
accesslog = "-"
