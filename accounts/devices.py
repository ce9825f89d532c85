"""The authenticator app a staff member signs in with: one confirmed TOTP device per account."""

from base64 import b32encode

from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: a fresh secret that counts for nothing until a code from it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an authenticator app without a camera."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def device_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with a code from the app; the new device replaces any earlier one."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def session_verify(*, request, token: str) -> bool:
    """Check a code against the user's confirmed device and mark the session as verified."""
    device = match_token(request.user, token)
    if device is None:
        return False
    otp_login(request, device)
    return True
