import pytest

from pledges.attendance import (
    WINDOW_SECONDS,
    attendance_code,
    attendance_code_is_valid,
    attendance_code_seconds_left,
    presence_token,
    presence_token_is_valid,
)
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

NOON = 1_800_000_000.0  # a fixed Unix time, on a window boundary


def test_the_code_is_eight_digits_and_stable_within_a_window():
    event = EventFactory()
    code = attendance_code(event, at=NOON)
    assert len(code) == 8 and code.isdigit()
    assert attendance_code(event, at=NOON + WINDOW_SECONDS - 1) == code


def test_the_code_changes_with_the_window_and_differs_between_events():
    event, other = EventFactory(), EventFactory()
    codes = {attendance_code(event, at=NOON + i * WINDOW_SECONDS) for i in range(5)}
    assert len(codes) == 5
    assert attendance_code(event, at=NOON) != attendance_code(other, at=NOON)


def test_it_accepts_the_current_and_the_previous_code_only():
    event = EventFactory()
    current = attendance_code(event, at=NOON)
    previous = attendance_code(event, at=NOON - WINDOW_SECONDS)
    too_old = attendance_code(event, at=NOON - 2 * WINDOW_SECONDS)
    assert attendance_code_is_valid(event, current, at=NOON)
    assert attendance_code_is_valid(event, previous, at=NOON)
    assert not attendance_code_is_valid(event, too_old, at=NOON)


def test_it_tolerates_spaces_but_refuses_anything_else():
    event = EventFactory()
    code = attendance_code(event, at=NOON)
    assert attendance_code_is_valid(event, f" {code[:4]} {code[4:]} ", at=NOON)
    assert not attendance_code_is_valid(event, "", at=NOON)
    assert not attendance_code_is_valid(event, code[:7], at=NOON)
    assert not attendance_code_is_valid(event, "abcdefgh", at=NOON)
    wrong = f"{(int(code) + 1) % 100_000_000:08d}"
    assert not attendance_code_is_valid(event, wrong, at=NOON)


def test_it_says_when_the_code_changes():
    assert attendance_code_seconds_left(at=NOON) == WINDOW_SECONDS
    assert attendance_code_seconds_left(at=NOON + 60) == WINDOW_SECONDS - 60


def test_the_screens_token_is_128_bits_and_valid_for_the_same_windows_as_the_code():
    event = EventFactory()
    token = presence_token(event, at=NOON)
    assert len(token) == 26 and token.isalnum()
    assert presence_token_is_valid(event, token, at=NOON + WINDOW_SECONDS)
    assert not presence_token_is_valid(event, token, at=NOON + 2 * WINDOW_SECONDS)
    assert not presence_token_is_valid(EventFactory(), token, at=NOON)
    assert not presence_token_is_valid(event, attendance_code(event, at=NOON), at=NOON)
    assert not presence_token_is_valid(event, "", at=NOON)
