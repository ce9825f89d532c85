"""Search and filters of the staff lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events import access
from events.models import Election, Event


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
