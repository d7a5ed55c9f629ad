"""Every page carries a Content-Security-Policy that allows scripts from this site only, and
no template has an inline script left; /docs loads Swagger UI from this site, not a CDN; the
language cookie is out of scripts' reach."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT


def test_pages_and_api_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/login", "/api/v1/events", "/nothing-here"):
        response = client.get(path, headers={"Accept": "text/html"})
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_handler() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*\"", re.IGNORECASE)
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "templates").rglob("*.html")
        if "pdf" not in path.parts and inline.search(path.read_text())
    ]
    assert offenders == []


def test_api_docs_load_their_scripts_from_this_site(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
    assert "<script>" not in page.text
    assert client.get("/redoc").status_code == 404


def test_language_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    response = client.get("/?lang=en")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "ketnoi_lang=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
