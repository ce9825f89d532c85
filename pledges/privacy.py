"""What the public may see of a signer (UU 27/2022 on personal data)."""

MASK = "*"
VISIBLE_DIGITS = 4


def mask_number(number: str | None) -> str:
    """Hide an identity number but its last four digits.

    A NIP starts with the birth date and the appointment month; the birth date also serves as a signing proof,
    so none of it may be readable in public.
    """
    if not number:
        return ""
    if len(number) <= VISIBLE_DIGITS:
        return MASK * len(number)
    return f"{MASK * (len(number) - VISIBLE_DIGITS)} {number[-VISIBLE_DIGITS:]}"
