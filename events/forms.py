"""Forms of the staff workflow; their choices are limited to the user's scope by events/access.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import Agency, Attendee, Event
from events.services import ATTENDEE_FIELDS, EVENT_FIELDS
from events.validators import normalize_number

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
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
        self.fields["declaration"].queryset = access.declarations_visible_to(user)
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


class AgencyForm(forms.ModelForm):
    """An agency created inline, in the region of the event it is invited to."""

    class Meta:
        model = Agency
        fields = ["name", "kind"]
        labels = {"name": _("Nama instansi baru")}


class InvitationForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Instansi yang diundang"),
        queryset=Agency.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = access.agencies_for_event(event).exclude(invitations__event=event)


class IdentityNumberField(forms.CharField):
    """People type long numbers with spaces and dots: drop them before the length is checked."""

    def to_python(self, value):
        return normalize_number(super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "30", "inputmode": "numeric"}


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = Attendee
        fields = list(ATTENDEE_FIELDS)
        field_classes = {"identity_number": IdentityNumberField}

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        if access.is_opd_head(user) and not access.can_manage_event(user, event):
            # An OPD head corrects their own unit's people: name, number, position and rank only.
            self.instance.agency = user.membership.agency
            for name in ("agency", "phone", "email"):
                del self.fields[name]
        else:
            self.fields["agency"].queryset = access.agencies_for_event(event)

    def service_fields(self) -> dict:
        """The cleaned data, with the OPD head's own agency where the form does not ask for one."""
        fields = dict(self.cleaned_data)
        if "agency" not in self.fields:
            fields["agency"] = self.instance.agency
        return fields


class AttendeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas daftar peserta (CSV atau XLSX)"),
        help_text=_(
            "Kolom: nama, NIP, jabatan, pangkat/golongan, instansi/OPD, telepon, email (jenis boleh ditambahkan)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ATTENDEE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB.")
                % {"size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
            )
        return upload
