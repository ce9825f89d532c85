"""Forms for signing (kiosk, phone, paper sheets, witnesses), events, and a data subject's requests."""

import secrets

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import Agency, Attendee, Event, Witness
from events.services import EVENT_FIELDS
from events.validators import normalize_number
from pledges import errors
from pledges.access import declarations_visible_to
from pledges.scans import scan_kind
from pledges.services import WITHDRAW_REASON_MAX_LENGTH, walk_in_agencies

SCAN_MAX_BYTES = 15 * 1024 * 1024

SCAN_TOO_LARGE = _("Berkas pindaian terlalu besar (paling besar %(max)s).")
SCAN_WRONG_TYPE = errors.SCAN_WRONG_TYPE


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _form_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class SignatureForm(forms.Form):
    """The drawn signature as the pad exports it; pledges.signatures decides whether it is acceptable."""

    signature = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Bubuhkan tanda tangan Anda di kotak yang tersedia.")},
    )


class SigningForm(SignatureForm):
    """An attendee's signature, with a random key made when the form is shown: posted again after its answer
    was lost, the same form gets the same pact back (pledges.services.pact_sign)."""

    idempotency_key = forms.RegexField(
        regex=r"^[0-9a-f]{32}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Formulir ini sudah usang. Muat ulang halaman dan tanda tangani lagi."),
            "invalid": _("Formulir ini sudah usang. Muat ulang halaman dan tanda tangani lagi."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"idempotency_key": secrets.token_hex(16), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class KioskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama atau beberapa digit terakhir NIP"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "class": "form-control",
                "placeholder": _("mis. Rina atau 2001"),
            }
        ),
    )


class IdentifyForm(forms.Form):
    """On the attendee's own phone: a number plus the hall's code, or the personal code from the invitation."""

    identity_number = forms.CharField(
        label=_("NIP / NI PPPK / NRP"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    attendance_code = forms.CharField(
        label=_("Kode kehadiran (8 angka di layar ruangan)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    personal_code = forms.CharField(
        label=_("atau kode pribadi dari undangan"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "text-uppercase"}),
    )

    def __init__(self, *args, present: bool = False, **kwargs):
        """`present`: the phone scanned the hall's screen, so the number alone will do."""
        super().__init__(*args, **kwargs)
        self.present = present
        if present:
            del self.fields["attendance_code"]

    def clean(self):
        data = super().clean()
        if data.get("personal_code"):
            return data
        if self.present:
            if not data.get("identity_number"):
                raise ValidationError(_("Isi NIP/NI PPPK/NRP Anda, atau kode pribadi dari undangan."))
            return data
        if not data.get("identity_number") or not data.get("attendance_code"):
            raise ValidationError(
                _("Isi NIP/NI PPPK/NRP beserta kode kehadiran di layar, atau isi kode pribadi dari undangan.")
            )
        return data


class WalkInForm(forms.ModelForm):
    """Someone not on the list registers themselves; Attendee.full_clean validates the number."""

    class Meta:
        model = Attendee
        fields = ["full_name", "identity_kind", "identity_number", "position", "rank", "agency"]

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_kind"].choices = [
            choice for choice in Attendee.IdentityKind.choices if choice[0] != Attendee.IdentityKind.OTHER
        ]
        self.fields["agency"].queryset = walk_in_agencies(event)
        self.fields["position"].required = True
        self.helper = _form_helper()


class PaperForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Peserta yang menandatangani di lembar ini"),
        queryset=Attendee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Centang sedikitnya satu peserta yang menandatangani di kertas.")},
    )
    scan = forms.FileField(
        label=_("Pindaian lembar tanda tangan"),
        help_text=_("PDF, JPEG atau PNG, paling besar 15 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    note = forms.CharField(label=_("Catatan"), max_length=200, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            event.attendees.filter(pacts__isnull=True)
            .select_related("agency")
            .order_by("agency__name", "full_name")
        )
        self.fields["attendees"].label_from_instance = lambda a: f"{a.full_name} · {a.agency.name}"
        self.helper = _form_helper()

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        if scan.size > SCAN_MAX_BYTES:
            raise ValidationError(SCAN_TOO_LARGE % {"max": filesizeformat(SCAN_MAX_BYTES)})
        if scan_kind(scan) is None:
            raise ValidationError(SCAN_WRONG_TYPE)
        return scan


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = ["role", "name", "title", "identity_number", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _form_helper()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penarikan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=WITHDRAW_REASON_MAX_LENGTH,
        error_messages={
            "required": errors.WITHDRAW_REASON_REQUIRED,
            "max_length": errors.WITHDRAW_REASON_TOO_LONG,
        },
    )


class EventForm(forms.ModelForm):
    """An event with the declaration it is signed on, chosen from the texts in the user's scope."""

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = access.provinces_for(user)
        self.fields["province"].queryset = provinces
        self.fields["regency"].queryset = access.regencies_for(user)
        self.fields["organiser"].queryset = access.agencies_for(user).select_related("regency")
        self.fields["declaration"].queryset = declarations_visible_to(user)
        self.fields["declaration"].help_text = _(
            "Kosongkan jika belum ditentukan; wajib sebelum penandatanganan dibuka."
        )
        office = getattr(user, "membership", None)
        if not user.is_superuser and office is not None:
            # Staff work in one province: it is not a choice, and a regency office has one regency only.
            self.fields["province"].initial = office.province_id
            self.fields["province"].widget = forms.HiddenInput()
            self.fields["province"].disabled = True
            if office.regency_id:
                self.fields["regency"].initial = office.regency_id
                self.fields["regency"].disabled = True
                self.fields["regency"].required = True
                self.fields["regency"].help_text = ""
        if not self.instance.pk:
            bawaslu = self.fields["organiser"].queryset.filter(kind=Agency.Kind.BAWASLU).first()
            self.fields["organiser"].initial = bawaslu.pk if bawaslu else None
        if self.instance.pk and self.instance.pacts.exists():
            self.fields["declaration"].disabled = True
            self.fields["declaration"].help_text = _(
                "Sudah ada yang menandatangani naskah ini; naskah tidak dapat diganti."
            )


SUBJECT_NUMBER_INVALID = _("Nomor identitas hanya berisi angka (8 sampai 18 digit).")


class SubjectSearchForm(forms.Form):
    """The identity number of the person who asks what is held about them."""

    identity_number = forms.CharField(
        label=_("NIP / NI PPPK / NRP"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_identity_number(self):
        number = normalize_number(self.cleaned_data["identity_number"])
        if not number.isdigit() or not 8 <= len(number) <= 18:
            raise ValidationError(SUBJECT_NUMBER_INVALID)
        return number


class ContactChangeForm(forms.Form):
    """Correct or erase an attendee's phone and e-mail at the person's request; the request is the reason."""

    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    reason = forms.CharField(
        label=_("Dasar permintaan"),
        max_length=80,
        help_text=_("Mis. surat permohonan tanggal 3 Maret 2025."),
        error_messages={
            "required": _("Tuliskan dasar permintaan (mis. surat atau surel dari yang bersangkutan).")
        },
    )
    erase = forms.BooleanField(required=False)
