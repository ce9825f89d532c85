"""Search and filters of the staff lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import Attendee, Election, Event


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=Event.Kind.choices)
    election = django_filters.ModelChoiceFilter(label=_("Pemilihan"), queryset=Election.objects.all())
    regency = django_filters.ModelChoiceFilter(
        label=_("Kabupaten/kota"), queryset=lambda request: access.regencies_for(request.user)
    )
    starts_after = django_filters.DateFilter(
        label=_("Mulai sejak"),
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Event
        fields = ["q", "status", "kind", "election", "regency", "starts_after"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(venue__icontains=value) | Q(code__iexact=value))


class AttendeeFilter(django_filters.FilterSet):
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
