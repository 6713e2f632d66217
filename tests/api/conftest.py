import json

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def clear_cache():
    """Throttle and rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    """The test client speaking JSON, logged in as a persona with `api.as_(user)`."""

    class Api:
        def as_(self, user):
            client.force_login(user)
            return self

        def get(self, url, **params):
            return client.get(url, params)

        def post(self, url, body=None, **extra):
            data = body if isinstance(body, str | bytes) else json.dumps(body or {})
            return client.post(url, data, content_type="application/json", **extra)

        def patch(self, url, body=None, **extra):
            data = body if isinstance(body, str | bytes) else json.dumps(body or {})
            return client.patch(url, data, content_type="application/json", **extra)

        @property
        def raw(self):
            return client

    return Api()
