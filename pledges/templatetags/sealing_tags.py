from django import template

from pledges.pdf.seal import seal_status

register = template.Library()


@register.simple_tag
def office_seal_status() -> dict:
    """The configured seal for the staff's documents panel: {"seal": OfficeSeal | None, "error": str}."""
    office, error = seal_status()
    return {"seal": office, "error": error}
