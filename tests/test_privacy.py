from pledges.privacy import mask_number


def test_it_shows_only_the_last_four_digits_of_a_nip():
    assert mask_number("198503122010011001") == "************** 1001"


def test_it_hides_short_numbers_entirely():
    assert mask_number("1234") == "****"
    assert mask_number("") == ""
    assert mask_number(None) == ""
