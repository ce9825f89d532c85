from django import forms
from django.utils.translation import gettext_lazy as _

TOKEN_WRONG = _(
    "Kode salah, sudah dipakai, atau terlalu banyak percobaan. Tunggu kode berikutnya di aplikasi "
    "autentikator lalu coba lagi."
)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Kode 6 angka dari aplikasi autentikator"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Kode terdiri atas 6 angka.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())
