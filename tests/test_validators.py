import pytest
from django.core.exceptions import ValidationError

from events.validators import normalize_number, validate_ni_pppk, validate_nik, validate_nip, validate_nrp


@pytest.mark.parametrize(
    "value",
    ["198503122010011001", "19850312 201001 1 001", "19850312.201001.1.001", "197003151995031002"],
)
def test_it_accepts_a_good_nip(value):
    assert validate_nip(value) == normalize_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "digits"),
        ("19850312201001100", "length"),  # 17 digits
        ("1985031220100110011", "length"),  # 19 digits
        ("19850312201001100A", "digits"),
        ("19851332201001 1001", "birth_date"),  # month 13
        ("19850230201001 1001", "birth_date"),  # 30 February
        ("20990101201001 1001", "birth_date"),  # born in the future
        ("19850312199001 1001", "appointment"),  # appointed at 5
        ("19850312200203 1001", "appointment"),  # appointed at 16
        ("19850312209901 1001", "appointment"),  # appointed in the future
        ("19850312201000 1001", "month"),
        ("19850312201013 1001", "month"),
        ("19850312201021 1001", "pppk_code"),
        ("19850312201001 3001", "gender"),
        ("19850312201001 0001", "gender"),
        ("19850312201001 1000", "sequence"),
    ],
)
def test_it_rejects_a_bad_nip(value, code):
    with pytest.raises(ValidationError) as error:
        validate_nip(value)
    assert error.value.code == code
    assert error.value.messages[0].startswith("NIP")


def test_it_rejects_an_appointment_month_before_the_eighteenth_birthday():
    with pytest.raises(ValidationError) as error:
        validate_nip("198506122003051001")  # born June 1985, appointed May 2003
    assert error.value.code == "appointment"


@pytest.mark.parametrize("value", ["198902252024211013", "19890225 2024 21 1 013", "199406302023212007"])
def test_it_accepts_a_good_ni_pppk(value):
    assert validate_ni_pppk(value) == normalize_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "digits"),
        ("1989022520242110", "length"),
        ("19890225202421101X", "digits"),
        ("198902252024011013", "pppk_code"),  # a PNS month, not the PPPK code
        ("198902252024121013", "pppk_code"),
        ("198902252024221013", "pppk_code"),
        ("19891325 2024 21 1 013", "birth_date"),
        ("19890230 2024 21 1 013", "birth_date"),
        ("19890225 2000 21 1 013", "appointment"),  # appointed at 11
        ("19890225 2099 21 1 013", "appointment"),
        ("19890225 2024 21 5 013", "gender"),
        ("19890225 2024 21 1 000", "sequence"),
        ("21000101 2024 21 1 013", "birth_date"),
    ],
)
def test_it_rejects_a_bad_ni_pppk(value, code):
    with pytest.raises(ValidationError) as error:
        validate_ni_pppk(value)
    assert error.value.code == code
    assert error.value.messages[0].startswith("NI PPPK")


def test_it_explains_the_pppk_code_in_indonesian():
    with pytest.raises(ValidationError) as error:
        validate_ni_pppk("198902252024011013")
    assert "kode PPPK 21" in error.value.messages[0]


@pytest.mark.parametrize("value", ["11090012340881", "85061234", "8506 1234"])
def test_it_accepts_an_nrp(value):
    assert validate_nrp(value) == normalize_number(value)


@pytest.mark.parametrize("value", ["1234", "85O61234", "1234567890123456789"])
def test_it_rejects_a_bad_nrp(value):
    with pytest.raises(ValidationError):
        validate_nrp(value)


def test_it_checks_a_nik():
    assert validate_nik("1601 0112 0385 0001") == "1601011203850001"
    for bad in ("160101120385000", "0101011203850001", "16010112038500X1"):
        with pytest.raises(ValidationError):
            validate_nik(bad)
