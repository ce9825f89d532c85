"""What the public may see of a signer (UU 27/2022 on personal data)."""

from pledges.qr import absolute_url

MASK = "*"
VISIBLE_DIGITS = 4


def mask_number(number: str | None) -> str:
    """Hide an identity number but its last four digits.

    A NIP starts with the birth date and the appointment month; the birth date also serves as a signing proof,
    so none of it may be readable in public.
    """
    if not number:
        return ""
    if len(number) <= VISIBLE_DIGITS:
        return MASK * len(number)
    return f"{MASK * (len(number) - VISIBLE_DIGITS)} {number[-VISIBLE_DIGITS:]}"


# The open-data columns, in order (documented in the README): nothing else about a signer leaves the site.
PUBLIC_FIELDS = (
    "code",
    "url",
    "name",
    "identity_kind",
    "identity_number_masked",
    "position",
    "rank",
    "agency",
    "agency_kind",
    "regency_code",
    "regency",
    "province_code",
    "province",
    "event_id",
    "event",
    "event_kind",
    "election",
    "signed_at",
    "method",
    "status",
)


def signer_public_fields(pact) -> dict:
    """The signer as the public sees them (open-data names): the registry's columns, the log's entries."""
    return {
        "name": pact.signer_name,
        "identity_kind": pact.signer_identity_kind,
        "identity_number_masked": mask_number(pact.signer_identity_number),
        "position": pact.signer_position,
        "rank": pact.signer_rank,
        "agency": pact.signer_agency,
    }


def pact_public_record(pact) -> dict:
    """One pact as open data (CSV row, JSON object): masked number, no phone, email, IP or user agent.

    Expects the pact with ``event__election``, ``agency__regency`` and ``agency__province`` selected.
    """
    regency = pact.agency.regency
    return {
        "code": pact.code,
        "url": absolute_url(pact.get_absolute_url()),
        **signer_public_fields(pact),
        "agency_kind": pact.agency.kind,
        "regency_code": regency.code if regency else "",
        "regency": regency.name if regency else "",
        "province_code": pact.agency.province_id,
        "province": pact.agency.province.name,
        "event_id": pact.event_id,
        "event": pact.event.title,
        "event_kind": pact.event.kind,
        "election": pact.event.election.name,
        "signed_at": pact.signed_at.isoformat(),
        "method": pact.method,
        "status": pact.status,
    }
