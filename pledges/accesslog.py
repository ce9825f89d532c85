"""Recording reads of personal data (and staff sign-ins) in the append-only AccessRecord log.

Views that hand out a full identity number (exports, signer PDFs, sheets, the data-subject copy) call
`record()` once the response is ready; sign-ins and failed sign-ins come from Django's auth signals
(connected in PledgesConfig.ready). The client's address is stored as its keyed hash only.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from neutrality.clients import client_ip
from pledges.clientdata import address_hash, identity_number_hash
from pledges.models import AccessRecord

USERNAME_MAX = AccessRecord._meta.get_field("username").max_length
TARGET_MAX = AccessRecord._meta.get_field("target").max_length


def record(
    request,
    *,
    action: str,
    target: str = "",
    event=None,
    identity_number: str = "",
    user=None,
    username: str = "",
) -> AccessRecord:
    """Add one entry: who (the signed-in user, unless given), what, about whom, from where."""
    current = getattr(request, "user", None)
    if user is None and current is not None and current.is_authenticated:
        user = current
    return AccessRecord.objects.create(
        user=user,
        username=(username or (user.get_username() if user else ""))[:USERNAME_MAX],
        action=action,
        target=target[:TARGET_MAX],
        event=event,
        subject_hmac=identity_number_hash(identity_number),
        address_hmac=address_hash(client_ip(request)) if request is not None else "",
    )


@receiver(user_logged_in, dispatch_uid="pledges.accesslog.sign_in")
def on_sign_in(sender, request, user, **kwargs):
    record(request, action=AccessRecord.Action.SIGN_IN, user=user)


@receiver(user_login_failed, dispatch_uid="pledges.accesslog.sign_in_failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; the name typed is what staff need to see.
    username = str(credentials.get("username", ""))
    record(request, action=AccessRecord.Action.SIGN_IN_FAILED, username=username)
