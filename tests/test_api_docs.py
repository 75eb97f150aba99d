"""The API docs page works without internet: Swagger UI comes from our own static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_api_docs_page_loads_swagger_ui_only_from_our_static_files(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in u for u in refs) and any("swagger-ui.css" in u for u in refs)
    for url in refs:
        assert url.startswith("/static/"), f"{url} is not one of our static files"
        assert finders.find(url.removeprefix("/static/")), f"{url} is not in the repository"
    # no CDN host anywhere (not only in src/href); a random CSRF token may contain the letters "cdn"
    assert not re.search(r"//[\w.-]*cdn|cdn[\w-]*\.(?:com|net|org|io)|unpkg|jsdelivr", html.lower())
    assert '"url": "/api/v1/openapi.json"' in html
