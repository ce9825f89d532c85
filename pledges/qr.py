"""QR codes and the absolute links they carry (printed paper has no host to be relative to)."""

import io

import segno
from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def qr_svg(data: str, *, scale: int = 4, border: int = 2) -> str:
    """An inline SVG (no XML declaration) to drop into an HTML page or a PDF template."""
    return segno.make(data, error="m").svg_inline(scale=scale, border=border)


def qr_svg_document(data: str, *, scale: int = 4, border: int = 2) -> bytes:
    """A standalone SVG file (served as an image, which the page's CSP allows from our own origin)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=scale, border=border)
    return out.getvalue()


def event_sign_url(event) -> str:
    """Where an event's QR code (poster, hall screen, staff page) sends a phone: its public signing page."""
    return absolute_url(reverse("pledges:sign", args=[event.code]))


def event_presence_url(event, token: str) -> str:
    """What the hall screen's QR code carries: the signing page plus the current proof of presence."""
    return absolute_url(reverse("pledges:sign_present", args=[event.code, token]))
