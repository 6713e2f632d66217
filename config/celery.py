"""The Celery app. Settings come from Django's (CELERY_* names); tasks live in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tilflytt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
