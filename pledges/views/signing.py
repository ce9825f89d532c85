"""Signing: the kiosk at the venue, the attendee's own phone, paper sheets, witnesses, the projector."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from events import access
from events.http import render_form
from events.models import Attendee, Event
from neutrality.clients import client_ip
from pledges import errors, services
from pledges.access import get_pact_for_user
from pledges.attendance import (
    attendance_code,
    attendance_code_seconds_left,
    presence_token,
    presence_token_is_valid,
    presence_window,
)
from pledges.errors import SigningError
from pledges.forms import (
    IdentifyForm,
    KioskSearchForm,
    PaperForm,
    SignatureForm,
    SigningForm,
    WalkInForm,
    WithdrawForm,
    WitnessForm,
)
from pledges.models import Pact
from pledges.qr import event_presence_url, event_sign_url, qr_svg_document
from pledges.views.documents import SIGNED_PACTS_SESSION_KEY  # codes signed in this browser

IDENTITY_SESSION_KEY = "signing_identity"  # {"event": pk, "attendee": pk, "at": unix time}
WALK_IN_SESSION_KEY = "signing_walk_in"  # {"event": pk, "number": str, "at": unix time}
PRESENCE_SESSION_KEY = "signing_presence"  # {"event": pk, "at": unix time}: scanned the hall's screen
KIOSK_RESULTS = 12


def _client(request) -> dict:
    """What a pact records about the device: the client's address (None rather than a placeholder)."""
    return {
        "ip": client_ip(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),
    }


def _refused(request, message, *, event=None, status=400):
    """A page that says why signing was refused; 'already signed' is a conflict, not an error of the user."""
    status = _status_for(message, status)
    return render(
        request, "pledges/signing/refused.html", {"message": message, "event": event}, status=status
    )


def _status_for(message, default: int = 400) -> int:
    if message == errors.ALREADY_SIGNED:
        return 409
    if message == errors.TOO_MANY_ATTEMPTS:
        return 429
    return default


# --- Kiosk -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def kiosk(request, pk):
    """Find your name: by name, or by the last digits of the NIP."""
    event = access.get_kiosk_event(request.user, pk)
    form = KioskSearchForm(request.GET or None)
    people = access.kiosk_attendees(request.user, event)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        digits = "".join(ch for ch in query if ch.isdigit())
        match = Q(full_name__icontains=query)
        if len(digits) >= 3 and digits == query.replace(" ", ""):
            match |= Q(identity_number__endswith=digits)
        results = (
            people.filter(match)
            .select_related("agency")
            .annotate(has_signed=Exists(Pact.objects.filter(attendee=OuterRef("pk"))))
            .order_by("full_name")[:KIOSK_RESULTS]
        )
    context = {
        "event": event,
        "form": form,
        "results": results,
        "signed_count": Pact.objects.filter(attendee__in=people, status=Pact.Status.VALID).count(),
        "people_count": people.count(),
    }
    return render(request, "pledges/signing/kiosk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_sign(request, pk, attendee_pk):
    """One attendee reads the declaration and signs on the kiosk's screen."""
    event = access.get_kiosk_event(request.user, pk)
    attendee = access.get_kiosk_attendee(request.user, event, attendee_pk)
    if request.method == "GET" and (refusal := _kiosk_refusal(event, attendee)):
        return _refused(request, refusal, event=event)
    form = SigningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pact = services.pact_sign(
                attendee=attendee,
                signature_data_url=form.cleaned_data["signature"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                collected_by=request.user,
                **_client(request),
            )
        except SigningError as error:
            if error.message in (errors.ALREADY_SIGNED, errors.EVENT_NOT_OPEN):
                return _refused(request, error.message, event=event)
            form.add_error(None, error.message)
        else:
            return redirect("pledges:kiosk_done", pk=event.pk, code=pact.code)
    context = {"event": event, "attendee": attendee, "form": form, "kiosk": True}
    return render_form(request, "pledges/signing/kiosk_sign.html", context)


def _kiosk_refusal(event: Event, attendee: Attendee):
    """Say at once, before anyone draws, what pact_sign would refuse anyway."""
    if not event.is_open:
        return errors.EVENT_NOT_OPEN
    if attendee.pacts.exists():
        return errors.ALREADY_SIGNED
    return None


@login_required
@require_GET
def kiosk_done(request, pk, code):
    """Thanks and the verification code; the page returns to the search by itself."""
    event = access.get_kiosk_event(request.user, pk)
    pact = get_object_or_404(
        Pact.objects.filter(attendee__in=access.kiosk_attendees(request.user, event)), code=code
    )
    return render(request, "pledges/signing/kiosk_done.html", {"event": event, "pact": pact})


# --- The attendee's own phone -----------------------------------------------------------------------------


def _public_event(code) -> Event:
    return get_object_or_404(Event.objects.select_related("declaration"), code=code)


def _to_confirm(request, event, attendee):
    """The attendee is identified: remember them for a short while and go on to signing."""
    request.session[IDENTITY_SESSION_KEY] = {"event": event.pk, "attendee": attendee.pk, "at": time.time()}
    return redirect("pledges:sign_confirm", code=event.code)


def _fresh(entry, event) -> bool:
    return (
        bool(entry)
        and entry.get("event") == event.pk
        and time.time() - entry.get("at", 0) < services.IDENTITY_MAX_AGE
    )


@never_cache
@require_GET
def sign_present(request, code, token):
    """Where the hall screen's QR code leads: the phone is present, and only its owner's number is asked.

    The token is kept in the session, not in the address bar, and the page moves on to the plain address
    (a screenshot or a forwarded link of the signing page carries nothing).
    """
    event = _public_event(code)
    if presence_token_is_valid(event, token):
        request.session[PRESENCE_SESSION_KEY] = {"event": event.pk, "at": time.time()}
    else:
        messages.warning(request, errors.PRESENCE_EXPIRED)
    return redirect("pledges:sign", code=event.code)


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request, code):
    """Step 1 on a phone: who are you, and are you in the hall?"""
    event = _public_event(code)
    if not event.is_open:
        return _refused(request, errors.EVENT_NOT_OPEN, event=event, status=200)
    present = _fresh(request.session.get(PRESENCE_SESSION_KEY), event)
    form = IdentifyForm(request.POST or None, present=present)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            attendee = services.attendee_identify(
                event=event, client=client_ip(request), present=present, **form.cleaned_data
            )
        except SigningError as error:
            if error.message == errors.ALREADY_SIGNED:
                return _refused(request, error.message, event=event)
            form.add_error(None, error.message)
            status = _status_for(error.message)
        else:
            if attendee is None:
                request.session[WALK_IN_SESSION_KEY] = {
                    "event": event.pk,
                    "number": form.cleaned_data["identity_number"],
                    "at": time.time(),
                }
                return redirect("pledges:sign_walk_in", code=event.code)
            return _to_confirm(request, event, attendee)
    context = {"event": event, "form": form, "present": present}
    return render_form(request, "pledges/signing/sign_identify.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_walk_in(request, code):
    """Step 1b: someone not on the list registers, after proving presence with the hall's code."""
    event = _public_event(code)
    proof = request.session.get(WALK_IN_SESSION_KEY)
    if not event.allow_walk_ins or not _fresh(proof, event):
        messages.warning(request, errors.IDENTITY_EXPIRED)
        return redirect("pledges:sign", code=event.code)
    form = WalkInForm(request.POST or None, event=event, initial={"identity_number": proof["number"]})
    if request.method == "POST" and form.is_valid():
        try:
            attendee = services.attendee_register_walk_in(event=event, **form.cleaned_data)
        except SigningError as error:
            return _refused(request, error.message, event=event)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            del request.session[WALK_IN_SESSION_KEY]
            return _to_confirm(request, event, attendee)
    return render_form(request, "pledges/signing/sign_walk_in.html", {"event": event, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_confirm(request, code):
    """Step 2 on a phone: read the declaration, sign, confirm."""
    event = _public_event(code)
    if request.method == "POST" and (
        pact := services.pact_signed_with_form(
            event=event, idempotency_key=request.POST.get("idempotency_key")
        )
    ):
        # This form signed already but its answer never arrived: the receipt, however long ago that was.
        return _signed(request, pact)
    identity = request.session.get(IDENTITY_SESSION_KEY)
    if not _fresh(identity, event):
        messages.warning(request, errors.IDENTITY_EXPIRED)
        return redirect("pledges:sign", code=event.code)
    attendee = get_object_or_404(
        Attendee.objects.select_related("agency"), pk=identity["attendee"], event=event
    )
    form = SigningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pact = services.pact_sign(
                attendee=attendee,
                signature_data_url=form.cleaned_data["signature"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                **_client(request),
            )
        except SigningError as error:
            if error.message in (errors.ALREADY_SIGNED, errors.EVENT_NOT_OPEN):
                request.session.pop(IDENTITY_SESSION_KEY, None)
                return _refused(request, error.message, event=event)
            form.add_error(None, error.message)
        else:
            return _signed(request, pact)
    return render_form(
        request, "pledges/signing/sign_confirm.html", {"event": event, "attendee": attendee, "form": form}
    )


def _signed(request, pact: Pact):
    """This browser signed `pact`: it may see the receipt from now on."""
    request.session.pop(IDENTITY_SESSION_KEY, None)
    signed = request.session.get(SIGNED_PACTS_SESSION_KEY, [])
    if pact.code not in signed:
        request.session[SIGNED_PACTS_SESSION_KEY] = [*signed, pact.code]
    return redirect("pledges:receipt", code=pact.code)


@never_cache
@require_GET
def receipt(request, code):
    """The receipt with the verification code, only in the browser that signed."""
    if code not in request.session.get(SIGNED_PACTS_SESSION_KEY, []):
        raise Http404
    pact = get_object_or_404(Pact.objects.select_related("event", "declaration"), code=code)
    return render(request, "pledges/signing/receipt.html", {"pact": pact, "event": pact.event})


# --- The hall ------------------------------------------------------------------------------------------------


def _projector_figures(event: Event) -> dict:
    return {
        "signed": event.pacts.filter(status=Pact.Status.VALID).count(),
        "invited": event.attendees.count(),
        "attendance_code": attendance_code(event),
        "seconds_left": attendance_code_seconds_left(),
        # The screen reloads its QR code (pledges:projector_qr) when this changes.
        "window": presence_window(),
        "is_open": event.is_open,
    }


@login_required
@require_GET
def projector(request, pk):
    """The hall's screen: the declaration in large type, the QR code, the attendance code, a live count."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    context = {"event": event, "figures": _projector_figures(event), "sign_url": event_sign_url(event)}
    return render(request, "pledges/signing/projector.html", context)


@never_cache
@login_required
@require_GET
def projector_status(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    return JsonResponse(_projector_figures(event))


@never_cache
@login_required
@require_GET
def projector_qr(request, pk):
    """The hall screen's QR code: the signing address with the current proof of presence, as an SVG image."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    svg = qr_svg_document(event_presence_url(event, presence_token(event)), scale=8)
    return HttpResponse(svg, content_type="image/svg+xml")


# --- Staff: paper, witnesses, withdrawal --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def paper(request, pk):
    """Record a printed sheet that came back signed by hand: tick who signed, upload the scan."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    form = PaperForm(request.POST or None, request.FILES or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            pacts = services.pacts_record_paper(
                event=event,
                attendees=form.cleaned_data["attendees"],
                scan=form.cleaned_data["scan"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except SigningError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d pakta kertas dicatat.") % {"count": len(pacts)})
            return redirect("pledges:paper", pk=event.pk)
    sheets = event.paper_sheets.select_related("uploaded_by").prefetch_related("pacts")
    return render_form(
        request, "pledges/signing/paper.html", {"event": event, "form": form, "sheets": sheets}
    )


@login_required
@require_http_methods(["GET", "POST"])
def witnesses(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    form = WitnessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.witness_add(event=event, **form.cleaned_data)
        messages.success(request, _("Saksi ditambahkan."))
        return redirect("pledges:witnesses", pk=event.pk)
    return render_form(
        request,
        "pledges/signing/witnesses.html",
        {"event": event, "form": form, "witnesses": event.witnesses.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def witness_sign(request, pk, witness_pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    witness = get_object_or_404(event.witnesses, pk=witness_pk)
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.witness_sign(witness=witness, signature_data_url=form.cleaned_data["signature"])
        except SigningError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tanda tangan %(name)s tersimpan.") % {"name": witness.name})
            return redirect("pledges:witnesses", pk=event.pk)
    return render_form(
        request, "pledges/signing/witness_sign.html", {"event": event, "witness": witness, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, code):
    """Withdraw a pact with a written reason; it stays in the record as withdrawn."""
    pact = get_pact_for_user(request.user, code, manage=True)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pact_withdraw(pact=pact, user=request.user, reason=form.cleaned_data["reason"])
        except SigningError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Pakta %(code)s ditarik.") % {"code": pact.code})
            return redirect("pledges:withdraw", code=pact.code)
    history = pact.history.select_related("history_user").order_by("history_date")
    return render_form(
        request,
        "pledges/signing/withdraw.html",
        {"pact": pact, "event": pact.event, "form": form, "history": history},
    )
