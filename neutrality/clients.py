"""The client's address, the one place that reads ``REMOTE_ADDR`` and ``X-Forwarded-For``.

Rate limits and the address a pact records depend on it. Behind a reverse proxy every connection comes from
the proxy, so the client is taken from ``X-Forwarded-For`` — but only when the connection itself comes from a
proxy listed in ``TRUSTED_PROXIES``, and then the right-most entry that is not a trusted proxy: each trusted
proxy appends the address it saw, while everything to the left of that was written by the client and can be
forged.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request) -> str:
    """The client's address as a string; empty when the connection's address is unknown."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, trusted):
        return str(remote)
    nearest = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(entry)
        if address is None:
            # A trusted proxy writes real addresses: garbage here was sent by the client, so the chain of
            # trust ends at the last proxy seen.
            break
        if not _is_trusted(address, trusted):
            return str(address)
        nearest = address
    return str(nearest)


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` parsed once: single addresses become one-address networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an address or network.") from error
    return tuple(networks)


def parse_address(value: str) -> Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1`` or ``[2001:db8::1]:443``."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d: count them as the IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)
