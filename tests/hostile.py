"""The hostile-input suites' shared ground: two scopes of data, every URL of the site with arguments for each,
and snapshots of the database and media that must not change (tests/test_hostile_*.py)."""

import datetime
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.models import Province
from pledges.attendance import presence_token
from pledges.models import DocumentJob
from pledges.services import declaration_default, pact_sign
from tests.factories import (
    AgencyFactory,
    AttendeeFactory,
    BawasluStaffFactory,
    DeclarationFactory,
    EventFactory,
    InvitationFactory,
    WitnessFactory,
    regency,
    signature_data_url,
)

# Apps whose rows must stay as they were (sign-in bookkeeping such as sessions and axes' logs may change).
WATCHED_APPS = ("events", "pledges", "auth")
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass
class Scope:
    """One office's data: its staff member and an open event with everything URLs can name."""

    staff: object
    event: object
    attendee: object
    unsigned: object
    pact: object
    invitation: object
    witness: object
    declaration: object
    job: object


def make_scope(regency_code: str) -> Scope:
    place = regency(regency_code)
    staff = BawasluStaffFactory(membership__regency=place, membership__province=place.province)
    declaration = DeclarationFactory(regency=place, province=place.province)
    event = EventFactory(regency=place, declaration=declaration, allow_walk_ins=True)
    agency = AgencyFactory(regency=place)
    invitation = InvitationFactory(event=event, agency=agency)
    attendee = AttendeeFactory(event=event, agency=agency)
    unsigned = AttendeeFactory(event=event, agency=agency)
    pact = pact_sign(attendee=attendee, signature_data_url=signature_data_url())
    witness = WitnessFactory(event=event)
    job = DocumentJob.objects.create(
        kind=DocumentJob.Kind.SHEET,
        event=event,
        requested_by=staff,
        fingerprint="0" * 64,
        filename="lembar.pdf",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return Scope(staff, event, attendee, unsigned, pact, invitation, witness, declaration, job)


def make_world() -> dict[str, Scope]:
    """Ours (the signed-in staff member's regency) and theirs (another regency of the same province)."""
    assert Province.objects.exists()
    declaration_default()  # made on first use by the declaration form: here, before any snapshot
    return {"ours": make_scope("16.01"), "theirs": make_scope("16.02")}


# Each URL name with its arguments, from one scope's data. STAFF marks those that belong to a scope: asked by
# another scope's staff they answer 403 or 404. Tests fail when the site has a URL that is missing here.
ARGUMENTS = {
    "home": lambda s: [],
    "login": lambda s: [],
    "logout": lambda s: [],
    "set_language": lambda s: [],
    "accounts:verify": lambda s: [],
    "accounts:enrol": lambda s: [],
    "accounts:password_change": lambda s: [],
    "accounts:password_change_done": lambda s: [],
    "events:landing": lambda s: [],
    "events:dashboard": lambda s: [],
    "events:opd_home": lambda s: [],
    "events:list": lambda s: [],
    "events:create": lambda s: [],
    "events:detail": lambda s: [s.event.pk],
    "events:update": lambda s: [s.event.pk],
    "events:delete": lambda s: [s.event.pk],
    "events:open_signing": lambda s: [s.event.pk],
    "events:close_signing": lambda s: [s.event.pk],
    "events:reopen_signing": lambda s: [s.event.pk],
    "events:invitation_add": lambda s: [s.event.pk],
    "events:agency_add": lambda s: [s.event.pk],
    "events:invitation_remove": lambda s: [s.event.pk, s.invitation.pk],
    "events:attendee_create": lambda s: [s.event.pk],
    "events:import": lambda s: [s.event.pk],
    "events:import_preview": lambda s: [s.event.pk],
    "events:attendee_update": lambda s: [s.unsigned.pk],
    "events:attendee_delete": lambda s: [s.unsigned.pk],
    "events:export": lambda s: [s.event.pk, "csv"],
    "events:history": lambda s: [s.event.pk],
    "pledges:declaration_list": lambda s: [],
    "pledges:declaration_create": lambda s: [],
    "pledges:declaration_detail": lambda s: [s.declaration.pk],
    "pledges:declaration_update": lambda s: [s.declaration.pk],
    "pledges:registry": lambda s: [],
    "pledges:registry_csv": lambda s: [],
    "pledges:coverage": lambda s: [],
    "pledges:api_pacts": lambda s: [],
    "pledges:pact": lambda s: [s.pact.code],
    "pledges:pact_signature": lambda s: [s.pact.code],
    "pledges:pact_pdf": lambda s: [s.pact.code],
    "pledges:event_sheet": lambda s: [s.event.pk],
    "pledges:event_pacts_pdf": lambda s: [s.event.pk],
    "pledges:event_blank_declarations": lambda s: [s.event.pk],
    "pledges:event_poster": lambda s: [s.event.pk],
    "pledges:receipt_pdf": lambda s: [s.pact.code],
    "pledges:document_job": lambda s: [s.job.pk],
    "pledges:document_job_status": lambda s: [s.job.pk],
    "pledges:document_job_file": lambda s: [s.job.pk],
    "pledges:verify": lambda s: [],
    "pledges:verify_code": lambda s: [s.pact.code],
    "pledges:kiosk": lambda s: [s.event.pk],
    "pledges:kiosk_sign": lambda s: [s.event.pk, s.unsigned.pk],
    "pledges:kiosk_done": lambda s: [s.event.pk, s.pact.code],
    "pledges:kiosk_worker": lambda s: [],
    "pledges:kiosk_offline": lambda s: [s.event.pk],
    "pledges:kiosk_manifest": lambda s: [s.event.pk],
    "pledges:kiosk_offline_data": lambda s: [s.event.pk],
    "pledges:kiosk_offline_device": lambda s: [s.event.pk],
    "pledges:kiosk_offline_sync": lambda s: [s.event.pk],
    "pledges:kiosk_devices": lambda s: [s.event.pk],
    "pledges:sign": lambda s: [s.event.code],
    "pledges:sign_present": lambda s: [s.event.code, presence_token(s.event)],
    "pledges:sign_walk_in": lambda s: [s.event.code],
    "pledges:sign_confirm": lambda s: [s.event.code],
    "pledges:receipt": lambda s: [s.pact.code],
    "pledges:projector": lambda s: [s.event.pk],
    "pledges:projector_status": lambda s: [s.event.pk],
    "pledges:projector_qr": lambda s: [s.event.pk],
    "pledges:paper": lambda s: [s.event.pk],
    "pledges:witnesses": lambda s: [s.event.pk],
    "pledges:witness_sign": lambda s: [s.event.pk, s.witness.pk],
    "pledges:withdraw": lambda s: [s.pact.code],
}
# Staff URLs that name another scope's object; the rest either name nothing or are public by design (the
# kiosk's web app manifest reads nothing from the database: browsers fetch it without credentials).
SCOPED = {
    name
    for name in ARGUMENTS
    if name.startswith("events:")
    or name.startswith("pledges:declaration_")
    or name.startswith("pledges:event_")
} | {
    "pledges:kiosk",
    "pledges:kiosk_sign",
    "pledges:kiosk_done",
    "pledges:kiosk_offline",
    "pledges:kiosk_offline_data",
    "pledges:kiosk_offline_device",
    "pledges:kiosk_offline_sync",
    "pledges:kiosk_devices",
    "pledges:projector",
    "pledges:projector_status",
    "pledges:projector_qr",
    "pledges:paper",
    "pledges:witnesses",
    "pledges:witness_sign",
    "pledges:withdraw",
    "pledges:receipt_pdf",
    "pledges:document_job",
    "pledges:document_job_status",
    "pledges:document_job_file",
}
# The offline kiosk's calls take JSON by design (events.http.accepts_json).
JSON_ENDPOINTS = {"pledges:kiosk_offline_device", "pledges:kiosk_offline_sync"}
# URLs that act without any form data (a bare POST is their whole input).
ACTIONS = {
    "logout",
    "events:delete",
    "events:open_signing",
    "events:close_signing",
    "events:reopen_signing",
    "events:invitation_remove",
    "events:attendee_delete",
}


def site_url_names() -> set[str]:
    """Every named URL the site serves, from the URL configuration itself (Django's admin aside)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def url(name: str, scope: Scope) -> str:
    return reverse(name, args=ARGUMENTS[name](scope))


def database_state() -> str:
    """A digest of every row of the watched apps: any insert, update or delete changes it."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label not in WATCHED_APPS:
            continue
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def media_state() -> list[tuple[str, int]]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file())


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, current value), enough to submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            checked = kind not in ("checkbox", "radio") or "checked" in attrs
            if checked:
                self._form["fields"].append((attrs["name"], kind, attrs.get("value") or ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None and value:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append((self._textarea[0], "textarea", self._textarea[1].strip()))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, first, selected = self._select
            self._form["fields"].append((name, "select", selected if selected is not None else first or ""))
            self._select = None


TEXT_KINDS = {"text", "textarea", "email", "tel", "search", "url", "password", "number", "datetime-local"}


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return [form for form in parser.forms if not form["action"].startswith("/i18n/")]


def form_data(form: dict, *, replace_text: str | None = None) -> dict:
    """The form as the browser would send it; every text-like field replaced when `replace_text` is given."""
    data: dict[str, list] = {}
    for name, kind, value in form["fields"]:
        if name == "csrfmiddlewaretoken" or kind == "file":
            continue
        if replace_text is not None and kind in TEXT_KINDS:
            value = replace_text
        data.setdefault(name, []).append(value)
    return data
