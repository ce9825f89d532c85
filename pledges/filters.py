"""Forms of the public pages: the registry's filters, the coverage filters and the verification forms."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import CODE_ALPHABET, Agency, Attendee, Election, Event, Province, Regency
from pledges.models import Pact, normalize_pact_code

PACT_CODE_LENGTH = 10
ALL = _("Semua")

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


PDF_TOO_LARGE = _("Berkas melebihi %(size)d MB.")


class VerifyPdfForm(forms.Form):
    """A PDF issued by the registry, uploaded to check its seal and contents; read only in a sandbox."""

    file = forms.FileField(
        label=_("Berkas PDF"),
        help_text=_(
            "Pakta atau lembar tanda tangan yang diunduh dari registri ini, paling besar %(size)d MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_bytes // 1_048_576}

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                PDF_TOO_LARGE, code="too_large", params={"size": self.max_bytes // 1_048_576}
            )
        return upload.read()


def _chosen_province(request) -> str:
    """The province chosen, or the one of the regency chosen (a regency code starts with its province's)."""
    if request is None:
        return ""
    return request.GET.get("province") or request.GET.get("regency", "").split(".")[0]


def _regencies(request):
    """Regencies of the chosen province: rendering all 514 as options would cost more than the whole page."""
    province = _chosen_province(request)
    return Regency.objects.filter(province_id=province) if province else Regency.objects.all()


def _agencies(request):
    """Agencies of the chosen region; the page offers the choice once a regency narrows it."""
    agencies = Agency.objects.all()
    if request is None:
        return agencies
    if regency := request.GET.get("regency"):
        return agencies.filter(regency_id=regency)
    if province := request.GET.get("province"):
        return agencies.filter(province_id=province)
    return agencies


def _events(request):
    """Public events of the chosen election and region (a province-level event counts for its regencies)."""
    events = Event.objects.filter(is_public=True).exclude(status=Event.Status.DRAFT)
    if request is None:
        return events
    if election := request.GET.get("election"):
        events = events.filter(election_id=election) if election.isdigit() else events.none()
    if regency := request.GET.get("regency"):
        return events.filter(
            Q(regency_id=regency) | Q(regency__isnull=True, province_id=regency.split(".")[0])
        )
    if province := request.GET.get("province"):
        return events.filter(province_id=province)
    return events


class RegistryFilter(django_filters.FilterSet):
    """The registry's filters, shared by the page, the CSV and the JSON API.

    Province and regency are those of the signer's agency: where the civil servant serves, which is what a
    reader looking up their own regency means (a province-level event gathers several regencies).
    """

    q = django_filters.CharFilter(method="search_name", label=_("Cari nama"))
    election = django_filters.ModelChoiceFilter(
        field_name="event__election", queryset=Election.objects.all(), label=_("Pemilihan"), empty_label=ALL
    )
    province = django_filters.ModelChoiceFilter(
        field_name="agency__province", queryset=Province.objects.all(), label=_("Provinsi"), empty_label=ALL
    )
    regency = django_filters.ModelChoiceFilter(
        field_name="agency__regency", queryset=_regencies, label=_("Kabupaten/kota"), empty_label=ALL
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="agency", queryset=_agencies, label=_("Instansi"), empty_label=ALL
    )
    event = django_filters.ModelChoiceFilter(
        field_name="event", queryset=_events, label=_("Kegiatan"), empty_label=ALL
    )

    class Meta:
        model = Pact
        fields = []

    # Long lists are offered once a region keeps them short: rendering every regency or agency of the country
    # as options would cost more than the rest of the page.
    @property
    def province_chosen(self) -> bool:
        return bool(self.data.get("province") or self.data.get("regency"))

    @property
    def regency_chosen(self) -> bool:
        return bool(self.data.get("regency"))

    def search_name(self, queryset, name, value):
        # icontains compiles to UPPER(signer_name) LIKE UPPER(...): the trigram index is on that expression.
        value = " ".join(value.split())
        return queryset.filter(signer_name__icontains=value) if value else queryset


class CoverageForm(forms.Form):
    """Which election and region the coverage figures are for; every field may stay empty."""

    election = forms.ModelChoiceField(
        Election.objects.all(), required=False, label=_("Pemilihan"), empty_label=ALL
    )
    province = forms.ModelChoiceField(
        Province.objects.all(), required=False, label=_("Provinsi"), empty_label=ALL
    )
    regency = forms.ModelChoiceField(
        Regency.objects.none(), required=False, label=_("Kabupaten/kota"), empty_label=ALL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province = self.data.get("province") or self.data.get("regency", "").split(".")[0]
        regencies = Regency.objects.all()
        self.fields["regency"].queryset = regencies.filter(province_id=province) if province else regencies

    @property
    def province_chosen(self) -> bool:
        return bool(self.data.get("province") or self.data.get("regency"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("regency") and not cleaned.get("province"):
            cleaned["province"] = cleaned["regency"].province
        return cleaned


class AttendeeFilter(django_filters.FilterSet):
    """The event page's attendee list, searchable and filtered by whether each person signed."""

    SIGNED_CHOICES = [("yes", _("Sudah menandatangani")), ("no", _("Belum menandatangani"))]

    q = django_filters.CharFilter(label=_("Cari"), method="search")
    agency = django_filters.ModelChoiceFilter(label=_("Instansi"), queryset=None)
    signed = django_filters.ChoiceFilter(
        label=_("Tanda tangan"), choices=SIGNED_CHOICES, method="filter_signed"
    )

    class Meta:
        model = Attendee
        fields = ["q", "agency", "signed"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["agency"].queryset = agencies

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(full_name__icontains=value) | Q(identity_number__contains=value) | Q(position__icontains=value)
        )

    def filter_signed(self, queryset, name, value):
        return queryset.filter(signed_method__isnull=value == "no")
