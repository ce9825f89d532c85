"""Every form of the site, found by walking every URL, submitted with hostile values (issue 15, item 5):
markup and script in every text field is stored and shown as inert text (or refused), control characters in
any field are refused with a 400 and change nothing, and uploaded file names cannot steer where files go."""

import pytest
from django.urls import reverse

from pledges.attendance import attendance_code
from tests.factories import nip
from tests.hostile import (
    ARGUMENTS,
    MARKUP,
    TEXT_KINDS,
    database_state,
    form_data,
    media_state,
    post_forms,
    url,
)

pytestmark = pytest.mark.django_db

SKIPPED_ACTIONS = ("/keluar/",)  # signing out mid-walk would end the walk


@pytest.fixture
def ours(client, world):
    client.force_login(world["ours"].staff)
    scope = world["ours"]
    # The phone's later steps show their forms only within a signing session: open one of each kind.
    sign = reverse("pledges:sign", args=[scope.event.code])
    client.post(sign, {"identity_number": nip(900), "attendance_code": attendance_code(scope.event)})
    client.post(
        sign,
        {"identity_number": scope.unsigned.identity_number, "attendance_code": attendance_code(scope.event)},
    )
    return client


def _forms_of_the_site(client, world):
    """(page, form) for every POST form on every page the signed-in staff member can open."""
    seen = set()
    for name in sorted(ARGUMENTS):
        page = url(name, world["ours"])
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.text):
            action = form["action"] or page
            if action.startswith(SKIPPED_ACTIONS) or not any(k in TEXT_KINDS for _n, k, _v in form["fields"]):
                continue
            key = (action, tuple(sorted(n for n, _k, _v in form["fields"])))
            if key not in seen:
                seen.add(key)
                yield page, action, form


def test_the_walk_finds_the_sites_forms(ours, world):
    actions = {action for _page, action, _form in _forms_of_the_site(ours, world)}
    scope = world["ours"]
    for expected in (
        reverse("events:update", args=[scope.event.pk]),
        reverse("events:attendee_create", args=[scope.event.pk]),
        reverse("pledges:withdraw", args=[scope.pact.code]),
        reverse("pledges:witnesses", args=[scope.event.pk]),
        reverse("pledges:sign", args=[scope.event.code]),
        reverse("pledges:sign_walk_in", args=[scope.event.code]),
        reverse("pledges:declaration_create"),
        reverse("accounts:password_change"),
    ):
        assert expected in actions


def test_control_characters_in_every_text_field_are_refused(ours, world):
    # Opening the pages may store things of its own (a public PDF copy): the snapshot is taken after.
    forms = list(_forms_of_the_site(ours, world))
    unchanged = (database_state(), media_state())
    failures = []
    for value in ("Rina\x00Marlina", "Rina\x1bMarlina", "\x08"):
        for page, action, form in forms:
            response = ours.post(action, form_data(form, replace_text=value))
            if response.status_code != 400:
                failures.append(f"{action} (from {page}) answered {response.status_code} to {value!r}")
    assert failures == []
    assert (database_state(), media_state()) == unchanged


def test_markup_in_every_text_field_stays_inert(ours, world):
    failures = []
    for page, action, form in _forms_of_the_site(ours, world):
        data = form_data(form)
        for name, kind, _value in form["fields"]:
            if kind in ("text", "textarea", "search"):
                data[name] = [MARKUP]
        response = ours.post(action, data, follow=True)
        if response.status_code >= 500 or MARKUP in response.text:
            failures.append(f"{action} (from {page}) answered {response.status_code}")
    assert failures == []
    # Markup is ordinary text to a name or a title: it was stored, and shows as text wherever it appears.
    from events.models import Event

    assert Event.objects.filter(title=MARKUP).exists()
    scope = world["ours"]
    assert "&lt;script&gt;" in ours.get(url("events:detail", scope)).text
    for name in (
        "events:detail",
        "events:list",
        "events:history",
        "pledges:witnesses",
        "pledges:declaration_list",
        "pledges:registry",
        "pledges:projector",
        "pledges:kiosk",
    ):
        page = ours.get(url(name, scope))
        assert page.status_code == 200 and MARKUP not in page.text, name


def test_file_names_cannot_steer_where_uploads_go(ours, world, settings, tmp_path):
    """Path traversal in the names of an attendee list and a scanned sheet."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pdfs import blank_pdf

    settings.ATTENDEE_IMPORT_DIR = str(tmp_path / "imports")
    scope = world["ours"]
    hostile = "../../../../../../tmp/netralitas-evil.html"
    listing = SimpleUploadedFile(
        hostile, f"nama,nip,instansi\nRina,{nip(901)},{scope.invitation.agency}\n".encode()
    )
    assert ours.post(reverse("events:import", args=[scope.event.pk]), {"file": listing}).status_code == 302
    scan = SimpleUploadedFile(hostile, blank_pdf())
    response = ours.post(
        reverse("pledges:paper", args=[scope.event.pk]), {"attendees": [scope.unsigned.pk], "scan": scan}
    )
    assert response.status_code == 302
    stored = [name for name, _size in media_state()] + [p.name for p in (tmp_path / "imports").iterdir()]
    assert not any("evil" in name or ".." in name or name.endswith(".html") for name in stored)
    from pathlib import Path

    assert not Path("/tmp/netralitas-evil.html").exists()
