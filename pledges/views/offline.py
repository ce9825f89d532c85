"""The offline kiosk: its page and service worker, the data it keeps, its sync endpoint, and its devices."""

import datetime
import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from events import access
from events.http import accepts_json
from pledges import offline
from pledges.errors import SigningError
from pledges.models import KioskDevice, OfflineSignature

KIOSK_CACHE = "netralitas-kiosk-v1"  # the service worker's cache of the kiosk page and its files
# A queued signature is a PNG data URL of at most 200 KB (pledges.signatures) plus a few fields.
SYNC_MAX_BYTES = 300_000


def _json_error(message, status):
    return JsonResponse({"error": str(message)}, status=status)


def _json_kiosk_event(request, pk):
    """The kiosk's event for a JSON call: a lapsed session answers 401 (not a login page the kiosk can't read)."""
    if not request.user.is_authenticated:
        return None, _json_error(
            _("Sesi petugas berakhir. Masuk kembali; tanda tangan tetap tersimpan."), 401
        )
    return access.get_kiosk_event(request.user, pk), None


def _json_body(request) -> dict | None:
    if len(request.body) > SYNC_MAX_BYTES:
        return None
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


@login_required
@require_GET
def kiosk_offline(request, pk):
    """The installable kiosk page: everything it shows is drawn by static/js/kiosk-offline.js from local data."""
    event = access.get_kiosk_event(request.user, pk)
    config = {
        "event": event.pk,
        "data": reverse("pledges:kiosk_offline_data", args=[event.pk]),
        "device": reverse("pledges:kiosk_offline_device", args=[event.pk]),
        "sync": reverse("pledges:kiosk_offline_sync", args=[event.pk]),
        "worker": reverse("pledges:kiosk_worker"),
        "verify": request.build_absolute_uri(reverse("pledges:verify")),
        "cache": KIOSK_CACHE,
    }
    context = {"event": event, "config": config, "texts": _kiosk_texts()}
    return render(request, "pledges/signing/kiosk_offline.html", context)


def _kiosk_texts() -> dict:
    """What the kiosk's script says, in the page's language."""
    return {
        "online": _("Daring"),
        "offline_short": _("Luring"),
        "offline": _("Tidak ada jaringan: tanda tangan disimpan di perangkat ini dan dikirim nanti."),
        "signed": _("Sudah menandatangani"),
        "this_is_me": _("Ini saya"),
        "no_match": _(
            "Tidak ada nama yang cocok. Coba ejaan lain atau beberapa digit terakhir NIP, atau hubungi panitia."
        ),
        "thanks": _("Terima kasih, %(name)s."),
        "accepted": _("diterima"),
        "refused": _("ditolak"),
        "not_open": _("Penandatanganan untuk kegiatan ini belum dibuka atau sudah ditutup."),
        "closed": _("Penandatanganan kegiatan ini sudah ditutup; daftar peserta dihapus dari perangkat ini."),
        "no_data": _(
            "Buka halaman ini sekali saat ada jaringan agar daftar peserta tersimpan di perangkat ini."
        ),
        "bundle_age": _("Daftar peserta diperbarui %(time)s."),
    }


@require_GET
def kiosk_worker(request):
    """The service worker, served from /kiosk/ so that it may control every kiosk page below it."""
    script = render_to_string("pledges/signing/kiosk_sw.js", {"cache": KIOSK_CACHE}, request=request)
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def kiosk_manifest(request, pk):
    manifest = {
        "name": _("Kios penandatanganan Netralitas"),
        "short_name": _("Kios Netralitas"),
        "start_url": reverse("pledges:kiosk_offline", args=[pk]),
        "scope": "/kiosk/",
        "display": "standalone",
        "background_color": "#f6f3f1",
        "theme_color": "#7a1f1f",
        "icons": [
            {
                "src": request.build_absolute_uri(static("img/kiosk-192.png")),
                "sizes": "192x192",
                "type": "image/png",
            }
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


@never_cache
@gzip_page  # 2,000 names compress to a sixth: it matters on a venue's slow line
@require_GET
def kiosk_offline_data(request, pk):
    event, error = _json_kiosk_event(request, pk)
    if error:
        return error
    response = JsonResponse(offline.kiosk_bundle(user=request.user, event=event))
    response["Cache-Control"] = "no-store"
    return response


@accepts_json
@require_POST
def kiosk_offline_device(request, pk):
    event, error = _json_kiosk_event(request, pk)
    if error:
        return error
    body = _json_body(request) or {}
    try:
        device_id = uuid.UUID(str(body.get("device", "")))
    except ValueError:
        return _json_error(_("ID perangkat tidak sah."), 400)
    try:
        device = offline.device_register(
            event=event, user=request.user, device_id=device_id, label=str(body.get("label", ""))
        )
    except SigningError as refusal:
        return _json_error(refusal.message, 403)
    return JsonResponse({"device": str(device.device_id), "event_status": event.status})


def _parse_item(body: dict) -> dict | None:
    """The fields of one queued signature, or None when any is missing or malformed."""
    try:
        captured_at = parse_datetime(str(body["captured_at"]))
        item = {
            "key": uuid.UUID(str(body["key"])),
            "attendee_id": int(body["attendee"]),
            "declaration_id": int(body["declaration"]),
            "signature_data_url": str(body["signature"]),
            "code": str(body.get("code", ""))[:10],
            "captured_at": captured_at,
        }
    except (KeyError, TypeError, ValueError):
        return None
    if captured_at is None or captured_at.tzinfo is None:
        return None
    item["captured_at"] = captured_at.astimezone(datetime.UTC)
    return item


@accepts_json
@require_POST
def kiosk_offline_sync(request, pk):
    """One queued signature in, its verdict out (200 for a verdict either way; 4xx only for a bad request)."""
    event, error = _json_kiosk_event(request, pk)
    if error:
        return error
    body = _json_body(request)
    item = body and _parse_item(body)
    if not item:
        return _json_error(_("Kiriman tanda tangan tidak lengkap atau rusak."), 400)
    try:
        device = KioskDevice.objects.select_related("event", "user").get(
            device_id=uuid.UUID(str(body["device"]))
        )
    except (KioskDevice.DoesNotExist, KeyError, ValueError):
        return _json_error(_("Perangkat ini belum terdaftar untuk kegiatan ini."), 403)
    if device.event_id != event.pk or device.user_id != request.user.pk:
        return _json_error(offline.DEVICE_OTHER_EVENT, 403)
    record = offline.offline_signature_receive(device=device, **item)
    return JsonResponse(offline.verdict_payload(record))


@login_required
def kiosk_devices(request, pk):
    """Staff see the event's offline kiosks and what each sent; a lost tablet is revoked here."""
    event = access.get_event_for_user(request.user, pk, manage=True)
    if request.method == "POST":
        device = get_object_or_404(KioskDevice, event=event, pk=request.POST.get("device"))
        offline.device_revoke(device=device, user=request.user)
        messages.success(request, _("Perangkat dicabut: kiriman berikutnya darinya akan ditolak."))
        return redirect("pledges:kiosk_devices", pk=event.pk)
    devices = KioskDevice.objects.filter(event=event).select_related("user", "revoked_by")
    refused = (
        OfflineSignature.objects.filter(device__event=event, verdict=OfflineSignature.Verdict.REFUSED)
        .select_related("device", "attendee")
        .order_by("-received_at")[:500]
    )
    context = {"event": event, "devices": devices, "refused": refused}
    return render(request, "pledges/signing/kiosk_devices.html", context)
