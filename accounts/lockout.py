"""django-axes' view of the client: the site's one client-address rule (neutrality.clients.client_ip)."""

import ipaddress

from neutrality.clients import client_ip


def axes_client_ip(request) -> str | None:
    """The client's address for the lockout count and log; None when the connection names none (axes stores
    addresses in an address column, which takes no placeholder such as "unknown")."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
