"""Staff write declarations from the default text; a signed text is revised as a new version."""

import pytest
from django.urls import reverse

from events.models import Event
from pledges import services
from pledges.models import Declaration
from tests.factories import DeclarationFactory, EventFactory, PactFactory, regency

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Ikrar Netralitas ASN Kabupaten",
        "opening": "Kami menyatakan:",
        "points": "Netral.\n\n  Tidak berpolitik praktis.  \nMenolak politik uang.\n",
        "closing": "",
        "place_date_line": "Baturaja, 1 Desember 2026",
    }
    return {**data, **overrides}


def test_the_create_form_starts_from_the_default_text_with_four_points_one_per_line(client, staff):
    response = client.get(reverse("pledges:declaration_create"))
    initial = response.context["form"].initial
    assert initial["title"] == services.DEFAULT_TITLE
    assert initial["points"] == "\n".join(services.DEFAULT_POINTS)
    assert len(initial["points"].splitlines()) == 4


def test_staff_create_a_declaration_owned_by_their_office(client, staff):
    response = client.post(reverse("pledges:declaration_create"), form_data())
    declaration = Declaration.objects.get(title="Ikrar Netralitas ASN Kabupaten")
    assert response.url == reverse("pledges:declaration_detail", args=[declaration.pk])
    assert declaration.points == ["Netral.", "Tidak berpolitik praktis.", "Menolak politik uang."]
    assert declaration.regency_id == "16.01" and declaration.created_by == staff


def test_a_declaration_made_for_an_event_is_attached_to_it(client, staff):
    event = EventFactory(status=Event.Status.DRAFT, declaration=None)
    url = reverse("pledges:declaration_create") + f"?event={event.pk}"
    response = client.post(url, form_data())
    event.refresh_from_db()
    assert response.url == reverse("events:detail", args=[event.pk])
    assert event.declaration.title == "Ikrar Netralitas ASN Kabupaten"


def test_a_declaration_needs_at_least_one_point(client, staff):
    response = client.post(reverse("pledges:declaration_create"), form_data(points="\n  \n"))
    assert "Naskah harus memiliki sedikitnya satu butir." in response.text


def test_an_unsigned_declaration_is_edited_in_place(client, staff):
    declaration = DeclarationFactory(regency=regency("16.01"), province=regency("16.01").province)
    client.post(reverse("pledges:declaration_update", args=[declaration.pk]), form_data(title="Judul Baru"))
    declaration.refresh_from_db()
    assert declaration.title == "Judul Baru" and declaration.version == 1


def test_editing_a_signed_declaration_creates_a_new_version_with_a_clear_message(client, staff):
    pact = PactFactory(attendee__event__declaration__regency=regency("16.01"))
    old = pact.declaration
    old_points = list(old.points)
    response = client.post(
        reverse("pledges:declaration_update", args=[old.pk]), form_data(title="Judul Revisi"), follow=True
    )
    new = Declaration.objects.get(previous=old)
    assert new.version == 2 and new.title == "Judul Revisi"
    old.refresh_from_db()
    assert old.points == old_points and old.title != "Judul Revisi"
    assert "disimpan sebagai versi baru (versi 2)" in response.text


def test_staff_cannot_edit_another_regencys_or_the_shared_declaration(client, staff):
    elsewhere = DeclarationFactory(regency=regency("16.02"), province=regency("16.02").province)
    shared = services.declaration_default()
    assert client.get(reverse("pledges:declaration_update", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("pledges:declaration_update", args=[shared.pk])).status_code == 403
    assert client.get(reverse("pledges:declaration_detail", args=[shared.pk])).status_code == 200


def test_the_declaration_list_shows_what_the_office_may_use(client, staff):
    own = DeclarationFactory(
        title="Naskah Kabupaten", regency=regency("16.01"), province=regency("16.01").province
    )
    DeclarationFactory(title="Naskah Tetangga", regency=regency("16.02"), province=regency("16.02").province)
    response = client.get(reverse("pledges:declaration_list"))
    titles = [declaration.title for declaration in response.context["page"]]
    assert own.title in titles and "Naskah Tetangga" not in titles
