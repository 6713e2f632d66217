"""The OpenAPI contract and its docs page, served without a CDN."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse


@pytest.mark.django_db
def test_schema_renders_every_endpoint(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/intake/" in schema["paths"]
    assert "/api/v1/cases/{id}/timeline/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {
        "message",
        "code",
        "errors",
    }
    paged = schema["components"]["schemas"]["PaginatedCaseListOutputList"]
    assert {"count", "count_capped", "results"} <= set(paged["required"])


@pytest.mark.django_db
def test_schema_docs_page_loads_its_assets_locally(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css|png))["']""", html)
    assert any("swagger-ui" in asset for asset in assets)
    for asset in assets:
        # Served by WhiteNoise after collectstatic; here: a static finder knows the file.
        assert asset.startswith(settings.STATIC_URL) or asset.startswith("/" + settings.STATIC_URL)
        assert finders.find(asset.split(settings.STATIC_URL, 1)[1]), asset
