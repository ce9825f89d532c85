from django import template
from django.utils.safestring import mark_safe

from pledges.attendance import attendance_code
from pledges.privacy import mask_number
from pledges.qr import event_sign_url, qr_svg

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """An identity number with all but its last four digits hidden (kiosk screens are seen by the hall)."""
    return mask_number(number)


@register.filter
def spaced_code(code: str) -> str:
    """An eight-digit attendance code as two groups of four, easier to read off a wall."""
    return f"{code[:4]} {code[4:]}" if len(code) == 8 else code


@register.filter
def sign_link(event) -> str:
    """The absolute address the event's QR code carries."""
    return event_sign_url(event)


@register.filter
def sign_qr(event) -> str:
    return mark_safe(qr_svg(sign_link(event)))  # segno's SVG carries no user input


@register.filter
def current_attendance_code(event) -> str:
    return attendance_code(event)
