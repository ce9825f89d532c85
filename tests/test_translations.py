"""The English catalogue must cover every string of the interface."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    text = CATALOGUE.read_text(encoding="utf-8")
    return [block for block in text.split("\n\n")[1:] if "msgid" in block and not block.startswith("#~")]


def test_every_string_has_an_english_translation():
    untranslated = [
        block
        for block in entries()
        if re.search(r'^msgstr(\[\d\])? ""$', block, re.M)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', block, re.M)
    ]
    assert untranslated == []


def test_no_translation_is_a_fuzzy_guess():
    assert [block for block in entries() if "#, fuzzy" in block] == []
