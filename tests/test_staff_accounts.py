"""Staff accounts: lockout after wrong passwords (django-axes), the administrator's unlock, password change,
and sessions that end after a working day of inactivity."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import BawasluStaffFactory, OpdHeadFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"
HALL = "203.0.113.7"


def _sign_in(client, user, password=PASSWORD, address=HALL, **extra):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_wrong_passwords_lock_the_account_at_that_address(client, settings):
    staff = BawasluStaffFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, staff, password="salah").status_code == 400
    assert _sign_in(client, staff, password="salah").status_code == 429
    response = _sign_in(client, staff)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.text
    assert "_auth_user_id" not in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    """The issue's replay: before, the 31st attempt with the right password was accepted."""
    staff = BawasluStaffFactory()
    for _attempt in range(30):
        _sign_in(client, staff, password="salah")
    assert _sign_in(client, staff).status_code == 429
    assert client.get(reverse("events:dashboard")).status_code == 302


def test_the_admin_login_has_no_door_of_its_own(client):
    """/admin/login/ sends everyone to the site's sign-in, where the lockout and the second factor are."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    for _attempt in range(30):
        client.post(reverse("admin:login"), {"username": admin.username, "password": "salah"})
    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, settings):
    staff = BawasluStaffFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, staff, password="salah", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    assert _sign_in(client, staff, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_the_same_account_still_signs_in_from_another_address(client, settings):
    staff = BawasluStaffFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, staff, password="salah")
    assert _sign_in(client, staff, address="192.0.2.10").status_code == 302


def test_an_administrator_unlocks_a_locked_account(client, settings):
    staff = BawasluStaffFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, staff, password="salah")
    assert _sign_in(client, staff).status_code == 429
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=staff.username).exists()
    client.logout()
    assert _sign_in(client, staff).status_code == 302


def test_the_user_admin_offers_the_unlock_and_the_authenticator_reset():
    request = RequestFactory().get("/admin/auth/user/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    actions = admin_site._registry[get_user_model()].get_actions(request)
    assert {"unlock_sign_in", "reset_authenticator"} <= set(actions)


def test_a_successful_sign_in_clears_earlier_failures(client, settings):
    staff = BawasluStaffFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, staff, password="salah")
    assert _sign_in(client, staff).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, staff, password="salah")
    assert _sign_in(client, staff).status_code == 302


@pytest.mark.parametrize("factory", [BawasluStaffFactory, OpdHeadFactory])
def test_every_staff_member_changes_their_own_password(client, factory):
    user = factory()
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and 'name="old_password"' in page.text
    new = "kata-sandi-baru-2024"
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "salah", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 400
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(response.url).status_code == 200


def test_sessions_end_after_a_working_day_without_activity(client):
    assert 8 * 3600 <= django_settings.SESSION_COOKIE_AGE <= 10 * 3600
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(BawasluStaffFactory())
    response = client.get(reverse("events:dashboard"))
    # Every request renews the cookie for another working day: the limit counts from the last activity.
    assert (
        response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == django_settings.SESSION_COOKIE_AGE
    )


def test_expired_sessions_are_cleared_by_the_scheduled_task(client):
    import datetime

    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    from accounts.tasks import clear_expired_sessions

    client.force_login(BawasluStaffFactory())
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    Client().force_login(BawasluStaffFactory())  # another browser's session, still live
    assert Session.objects.count() == 2
    clear_expired_sessions.delay()
    assert Session.objects.count() == 1 and Session.objects.get().expire_date > timezone.now()
