"""Forms of the staff workflow; their choices are limited to the user's scope by events/access.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import Agency, Attendee
from events.services import ATTENDEE_FIELDS
from events.validators import normalize_number


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
