"""Keyed hashes that stand in for personal data a table must not hold in clear (UU 27/2022).

A signer's address and browser, and the address a staff member read personal data from, are stored only as
HMAC-SHA256 under a server key (``CLIENT_HMAC_KEY``, else derived from ``SECRET_KEY``): two signings from the
same device still carry the same value, but without the key nobody can tell which address it was — and an
IPv4 address, a space of 2^32, could be recovered from a plain hash in minutes.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac

# One purpose per kind of value, so that equal strings of different kinds never share a hash.
ADDRESS = "netralitas.client.address"
USER_AGENT = "netralitas.client.user-agent"
IDENTITY_NUMBER = "netralitas.subject.identity-number"
UNKNOWN_ADDRESSES = {"", "unknown"}


def keyed_hash(purpose: str, value: str | None) -> str:
    """HMAC-SHA256 (hex) of a value under the server key for that purpose; empty for an empty value."""
    if not value:
        return ""
    secret = settings.CLIENT_HMAC_KEY or settings.SECRET_KEY
    return salted_hmac(purpose, value, secret=secret, algorithm="sha256").hexdigest()


def address_hash(address: str | None) -> str:
    return "" if (address or "") in UNKNOWN_ADDRESSES else keyed_hash(ADDRESS, address)


def user_agent_hash(user_agent: str | None) -> str:
    return keyed_hash(USER_AGENT, (user_agent or "").strip())


def identity_number_hash(number: str | None) -> str:
    return keyed_hash(IDENTITY_NUMBER, number)
