"""Forms of the public pages: the registry's filters, the coverage filters and the verification form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import CODE_ALPHABET
from pledges.models import normalize_pact_code

PACT_CODE_LENGTH = 10

VERIFY_CODE_SHAPE = _(
    "Kode verifikasi terdiri dari 10 karakter: huruf A–Z tanpa I, L dan O, serta angka 2–9 (mis. 7KQ4MX29PA)."
)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=40,
        help_text=_(
            "Tertera di bawah kode QR pada pakta tercetak. Huruf besar/kecil, spasi dan tanda hubung diabaikan."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalize_pact_code(self.cleaned_data["code"])
        if len(code) != PACT_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(VERIFY_CODE_SHAPE)
        return code
