"""Security headers and settings (issue 15, item 3): CSP, HTTPS, secure cookies, and no caching of pages and
downloads that show personal data."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from pledges.services import pact_sign, pact_withdraw
from pledges.views.documents import SIGNED_PACTS_SESSION_KEY
from tests.factories import AttendeeFactory, EventFactory, PactFactory, signature_data_url
from tests.test_settings import ROOT

TEMPLATES = ROOT / "templates"


def _run(code: str, **env):
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(
        [sys.executable, *code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def _setting(name: str, **env) -> str:
    result = _run(["-c", f"import neutrality.settings as s; print(s.{name})"], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_passes_with_only_a_secret_key_and_allowed_hosts():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="netralitas.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_secure_cookies_do_not_switch_off_because_loopback_is_an_allowed_host():
    """Before: 127.0.0.1 among ALLOWED_HOSTS silently turned secure cookies off (W012, W016)."""
    env = {"SECRET_KEY": "x", "ALLOWED_HOSTS": "netralitas.example.go.id,127.0.0.1"}
    assert _setting("SESSION_COOKIE_SECURE", **env) == "True"
    assert _setting("CSRF_COOKIE_SECURE", **env) == "True"
    assert _setting("SESSION_COOKIE_SECURE", **env, SECURE_COOKIES="0") == "False"


def test_the_https_redirect_is_on_by_default_and_switched_off_explicitly():
    assert _setting("SECURE_SSL_REDIRECT", SECRET_KEY="x") == "True"
    assert _setting("SECURE_HSTS_SECONDS", SECRET_KEY="x") == "31536000"
    assert _setting("SECURE_SSL_REDIRECT", SECRET_KEY="x", SECURE_SSL_REDIRECT="0") == "False"
    assert _setting("SECURE_SSL_REDIRECT", DEBUG="1") == "False"
    assert (
        _setting("SECURE_PROXY_SSL_HEADER", SECRET_KEY="x", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/registri/")
    assert response.status_code == 301 and response.url.startswith("https://")
    secure = client.get("/registri/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_every_page_carries_a_csp_without_unsafe_inline(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_a_handler_or_a_style_attribute():
    """Before: inline scripts in registry.html and coverage.html, onchange/onsubmit in base.html and
    event_detail.html."""
    offences = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.relative_to(TEMPLATES).parts:
            continue  # documents rendered by WeasyPrint, never by a browser
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*="):
            offences += [f"{path.name}: {match}" for match in re.findall(pattern, text)]
    assert offences == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "events:dashboard",
        "events:list",
        "events:detail",
        "events:export",
        "pledges:event_sheet",
        "events:history",
    ],
)
def test_staff_pages_and_downloads_are_not_stored(staff_client, name):
    from tests.factories import InvitationFactory

    event = EventFactory()
    InvitationFactory(event=event)
    args = {"events:detail": [event.pk], "events:history": [event.pk], "pledges:event_sheet": [event.pk]}
    if name == "events:export":
        url = reverse(name, args=[event.pk, "csv"])
    else:
        url = reverse(name, args=args.get(name, []))
    response = staff_client.get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_signers_receipt_and_pdf_are_not_stored(client):
    pact = pact_sign(attendee=AttendeeFactory(), signature_data_url=signature_data_url())
    session = client.session
    session[SIGNED_PACTS_SESSION_KEY] = [pact.code]
    session.save()
    for url in (
        reverse("pledges:receipt", args=[pact.code]),
        reverse("pledges:receipt_pdf", args=[pact.code]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_signature_image_is_private_short_lived_and_gone_after_withdrawal(client, staff_user):
    """Before: served `public, max-age=3600`, so shared caches kept it past a withdrawal."""
    pact = pact_sign(attendee=AttendeeFactory(), signature_data_url=signature_data_url())
    url = reverse("pledges:pact_signature", args=[pact.code])
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) <= 300
    pact_withdraw(pact=pact, user=staff_user, reason="Salah orang")
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_public_pages_stay_cacheable_for_visitors(client):
    PactFactory()
    assert "no-store" not in client.get("/registri/").get("Cache-Control", "")
