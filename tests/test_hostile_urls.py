"""Every URL of the site, walked with hostile requests (issue 15, item 5): NUL and control characters, missing
CSRF tokens, another scope's ids, oversized bodies, wrong content types and malformed cursors. Each answer is a
4xx and the database and media stay exactly as they were. The URL list comes from the URL configuration, so a
new URL fails the catalogue test until it is walked too."""

import json

import pytest
from django.test import Client

from tests.hostile import (
    ACTIONS,
    ARGUMENTS,
    JSON_ENDPOINTS,
    SCOPED,
    database_state,
    media_state,
    site_url_names,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(client, world):
    client.force_login(world["ours"].staff)
    return client


def _unchanged():
    before = (database_state(), media_state())
    return lambda: (database_state(), media_state()) == before


def _walk(check) -> list[str]:
    """Run `check(name)` for every URL; the failures, each with what happened."""
    failures = []
    for name in sorted(ARGUMENTS):
        problem = check(name)
        if problem:
            failures.append(f"{name}: {problem}")
    return failures


def test_every_url_of_the_site_is_walked():
    assert site_url_names() == set(ARGUMENTS)


def test_nul_and_control_characters_in_a_query_are_refused_everywhere(ours, world):
    unchanged = _unchanged()

    def check(name):
        target = url(name, world["ours"])
        for query in ("q=%00", "province=16%00", "x=%01y", "%00=1", "after=%1f"):
            for method in (ours.get, ours.post):
                response = method(f"{target}?{query}")
                if response.status_code != 400 or "karakter kendali" not in response.text:
                    return f"{method.__name__} ?{query} answered {response.status_code}"
        return None

    assert _walk(check) == []
    assert unchanged()


def test_nul_and_control_characters_in_posted_fields_are_refused_everywhere(ours, world):
    unchanged = _unchanged()

    def check(name):
        response = ours.post(url(name, world["ours"]), {"reason": "ok\x00", "title": "Rapat\x07", "q": "x"})
        return None if response.status_code == 400 else f"answered {response.status_code}"

    assert _walk(check) == []
    assert unchanged()


def test_a_nul_byte_in_a_code_in_the_path_is_refused(ours, world):
    pact = world["ours"].pact
    for path in (f"/pakta/{pact.code[:4]}%00{pact.code[4:]}/", "/tandatangan/AB%00CD/", "/verifikasi/%00/"):
        assert ours.get(path).status_code == 400, path


def test_a_post_without_its_csrf_token_is_refused_everywhere(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["ours"].staff)
    unchanged = _unchanged()

    def check(name):
        response = client.post(url(name, world["ours"]), {"reason": "Salah orang", "title": "Rapat"})
        return None if response.status_code == 403 else f"answered {response.status_code}"

    assert _walk(check) == []
    assert unchanged()


def test_another_scopes_ids_are_refused(ours, world):
    unchanged = _unchanged()

    def check(name):
        if name not in SCOPED or not ARGUMENTS[name](world["theirs"]):
            return None
        target = url(name, world["theirs"])
        for method in (ours.get, ours.post):
            data = {"reason": "Salah orang", "title": "Rapat", "signature": "x"}
            if name in JSON_ENDPOINTS and method == ours.post:
                response = ours.post(target, json.dumps(data), content_type="application/json")
            else:
                response = method(target, data)
            if response.status_code not in (403, 404, 405):
                return f"{method.__name__} answered {response.status_code}"
        return None

    assert _walk(check) == []
    assert unchanged()


def test_an_oversized_body_is_refused_everywhere(ours, world, settings):
    unchanged = _unchanged()
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    def check(name):
        response = ours.post(url(name, world["ours"]), {"reason": huge})
        return None if response.status_code == 400 else f"answered {response.status_code}"

    assert _walk(check) == []
    assert unchanged()


def test_a_wrong_content_type_is_refused_everywhere(ours, world):
    """A JSON or plain-text body is no form: a 415, where a view would have shown a blank form with a 200."""
    unchanged = _unchanged()

    def check(name):
        for content_type, body in (
            *(() if name in JSON_ENDPOINTS else (("application/json", json.dumps({"reason": "x"})),)),
            ("text/plain", "reason=Salah orang"),
            ("application/xml", "<reason>Salah orang</reason>"),
        ):
            response = ours.post(url(name, world["ours"]), body, content_type=content_type)
            if response.status_code != 415:
                return f"{content_type} answered {response.status_code}"
        return None

    assert _walk(check) == []
    assert unchanged()


def test_a_broken_multipart_body_changes_nothing(ours, world):
    """A cut-off part carries no field: the page answers as to an empty submission (inert), never a 5xx."""
    unchanged = _unchanged()

    def check(name):
        if name in ACTIONS:
            return None  # a bare POST is their whole input
        body = '--x\r\nContent-Disposition: form-data; name="file"; filename="../../x.html"\r\n\r\n<h1>'
        response = ours.post(url(name, world["ours"]), body, content_type="multipart/form-data; boundary=x")
        return None if response.status_code < 500 else f"answered {response.status_code}"

    assert _walk(check) == []
    assert unchanged()


@pytest.mark.parametrize("name", ["pledges:registry", "pledges:api_pacts"])
@pytest.mark.parametrize("cursor", ["not-a-cursor", "1732500000000000", "x-1", "-1--1", "9" * 400])
@pytest.mark.parametrize("key", ["after", "before"])
def test_a_malformed_cursor_is_refused(client, world, name, cursor, key):
    response = client.get(url(name, world["ours"]), {key: cursor})
    assert response.status_code == 400
