"""Every page carries the content security policy (no inline script or style) and the other headers."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.signin import sign_in


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_deny_framing(leeds_notifier):
    client = Client()
    assert client.get(reverse("sign-in")).status_code == 200
    sign_in(client, leeds_notifier)
    for url in (reverse("sign-in"), reverse("home"), reverse("web:case-list"), reverse("web:tokens")):
        response = Client().get(url) if url == reverse("sign-in") else client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        html = response.content.decode()
        assert "<script>" not in html and '<script type="module">' not in html, url  # no inline script
        assert " style=" not in html, url  # no inline style


@pytest.mark.django_db
def test_the_api_docs_alone_allow_inline_styles_and_still_no_inline_script(leeds_notifier):
    client = Client()
    sign_in(client, leeds_notifier)
    response = client.get("/api/docs/")
    policy = _policy(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"
