"""Two-factor sign-in: a password alone opens no staff page when OTP_REQUIRED is on (the default without DEBUG)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import BawasluStaffFactory, UserFactory, totp_device, totp_token

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED = True


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_the_setting_is_on_by_default_when_debug_is_off():
    import subprocess
    import sys

    from tests.test_settings import ROOT

    code = "import neutrality.settings as s; print(s.OTP_REQUIRED)"
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"}
    off = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    on = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DEBUG": "1"}, capture_output=True, text=True
    )
    assert off.stdout.strip() == "True" and on.stdout.strip() == "False"


def test_a_password_alone_opens_no_staff_page(client):
    staff = BawasluStaffFactory()
    device = totp_device(staff)
    response = _sign_in(client, staff)
    assert response.status_code == 302
    dashboard = client.get(reverse("events:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard.url.startswith(reverse("accounts:verify"))
    assert client.get(reverse("events:list")).url.startswith(reverse("accounts:verify"))
    response = client.post(
        reverse("accounts:verify"), {"token": totp_token(device), "next": reverse("events:list")}
    )
    assert response.status_code == 302 and response.url == reverse("events:list")
    assert client.get(reverse("events:dashboard")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client):
    staff = BawasluStaffFactory()
    device = totp_device(staff)
    _sign_in(client, staff)
    wrong = str((int(totp_token(device)) + 1) % 10**6).zfill(6)
    response = client.post(reverse("accounts:verify"), {"token": wrong})
    assert response.status_code == 400
    assert "Kode salah" in response.text
    assert client.get(reverse("events:dashboard")).status_code == 302


def test_a_code_is_accepted_once(client):
    staff = BawasluStaffFactory()
    device = totp_device(staff)
    token = totp_token(device)
    _sign_in(client, staff)
    assert client.post(reverse("accounts:verify"), {"token": token}).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, staff)
    assert client.post(reverse("accounts:verify"), {"token": token}).status_code == 400


def test_staff_without_an_app_enrol_with_a_qr_code_and_one_code(client):
    staff = BawasluStaffFactory()
    _sign_in(client, staff)
    response = client.get(reverse("events:dashboard"))
    assert response.url.startswith(reverse("accounts:enrol"))
    page = client.get(response.url)
    assert page.status_code == 200 and "<svg" in page.text and "data-totp-secret" in page.text
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    response = client.post(reverse("accounts:enrol"), {"token": totp_token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("events:dashboard")).status_code == 200


def test_an_app_that_is_set_up_cannot_be_replaced_with_the_password_alone(client):
    staff = BawasluStaffFactory()
    device = totp_device(staff)
    _sign_in(client, staff)
    assert client.get(reverse("accounts:enrol")).url == reverse("accounts:verify")
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]


def test_the_admin_site_asks_for_the_code_too(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    device = totp_device(admin)
    _sign_in(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:verify"))
    client.post(reverse("accounts:verify"), {"token": totp_token(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_site_refuses_an_unverified_session_on_its_own(rf, settings):
    from django.contrib import admin

    user = UserFactory(is_superuser=True, is_staff=True)
    request = rf.get("/admin/")
    request.user = user
    user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    settings.OTP_REQUIRED = False
    assert admin.site.has_permission(request)


def test_the_admin_login_is_the_sites_own(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_signing_out_and_the_language_switch_work_before_the_code(client):
    staff = BawasluStaffFactory()
    totp_device(staff)
    _sign_in(client, staff)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
