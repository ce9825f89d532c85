"""django-axes' view of the client: the site's one client-address rule, and no address or browser in clear.

axes keeps its own tables of attempts and sign-ins; like every other table here (UU 27/2022) they hold a keyed
pseudonym instead: the same client always maps to the same value, so the lockout still counts per address.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler

from neutrality.clients import client_ip
from pledges.clientdata import address_hash, user_agent_hash


def axes_client_ip(request) -> str | None:
    """A keyed pseudonym of the client's address, written as a private IPv6 address (fd00::/8) because axes
    stores addresses in an address column; None when the connection names none."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return str(ipaddress.IPv6Address(b"\xfd" + bytes.fromhex(address_hash(address))[:15]))


class PseudonymousDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler, with the browser string replaced by its keyed hash before anything is saved."""

    @staticmethod
    def _pseudonymise(request) -> None:
        if request is not None and not getattr(request, "axes_pseudonymised", False):
            if getattr(request, "axes_user_agent", None) is not None:
                request.axes_user_agent = user_agent_hash(request.axes_user_agent)
            request.axes_pseudonymised = True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        self._pseudonymise(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        self._pseudonymise(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        self._pseudonymise(request)
        return super().user_logged_out(sender, request, user, **kwargs)
