"""Coverage figures: how many invited agencies and attendees have signed, per regency and per agency type.

Definitions (also in the README):
- Only public events that are past the draft stage count; an event's staff can keep it out of the public eye.
- An agency is *invited* when it has an invitation to, or attendees listed for, at least one event in scope;
  it *has signed* when at least one of its attendees holds a valid pact from one of those events.
- Attendees are everyone listed for those events (walk-ins included); *signed* means holding a valid pact.
- Regions are the agency's: a provincial agency (no regency) is counted under its province.

Six aggregate queries whatever the number of rows; nothing is counted in a Python loop over the database.
Over a million attendees they take seconds, so the page serves figures up to COVERAGE_CACHE_SECONDS old.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.models import Agency, Attendee, Event, Invitation
from pledges.models import Pact


@dataclass
class CoverageRow:
    key: str
    label: str
    agencies_invited: int = 0
    agencies_signed: int = 0
    attendees: int = 0
    attendees_signed: int = 0

    @property
    def agency_rate(self) -> float | None:
        return 100 * self.agencies_signed / self.agencies_invited if self.agencies_invited else None

    @property
    def attendee_rate(self) -> float | None:
        return 100 * self.attendees_signed / self.attendees if self.attendees else None


@dataclass
class Coverage:
    by_region: list[CoverageRow] = field(default_factory=list)
    by_kind: list[CoverageRow] = field(default_factory=list)

    @property
    def total(self) -> CoverageRow:
        total = CoverageRow(key="total", label=str(_("Jumlah")))
        for row in self.by_region:
            total.agencies_invited += row.agencies_invited
            total.agencies_signed += row.agencies_signed
            total.attendees += row.attendees
            total.attendees_signed += row.attendees_signed
        return total


COVERAGE_CACHE_SECONDS = 300


def coverage_cached(*, election=None, province=None, regency=None) -> Coverage:
    """coverage_compute() through the cache, per filter and language (the labels are translated)."""
    parts = [get_language(), *(getattr(choice, "pk", "") for choice in (election, province, regency))]
    key = "coverage:" + ":".join(str(part) for part in parts)
    figures = cache.get(key)
    if figures is None:
        figures = coverage_compute(election=election, province=province, regency=regency)
        cache.set(key, figures, COVERAGE_CACHE_SECONDS)
    return figures


def coverage_events(*, election=None) -> QuerySet:
    events = Event.objects.filter(is_public=True).exclude(status=Event.Status.DRAFT)
    return events.filter(election=election) if election else events


def coverage_compute(*, election=None, province=None, regency=None) -> Coverage:
    events = coverage_events(election=election)
    region = Q(regency=regency) if regency else Q(province=province) if province else Q()

    agencies = (
        Agency.objects.filter(region)
        .filter(
            Exists(Invitation.objects.filter(agency=OuterRef("pk"), event__in=events))
            | Exists(Attendee.objects.filter(agency=OuterRef("pk"), event__in=events))
        )
        .annotate(
            has_signed=Exists(
                Pact.objects.filter(agency=OuterRef("pk"), event__in=events, status=Pact.Status.VALID)
            )
        )
    )
    agency_counts = {
        "agencies_invited": Count("pk"),
        "agencies_signed": Count("pk", filter=Q(has_signed=True)),
    }
    agency_region = (
        Q(agency__regency=regency) if regency else Q(agency__province=province) if province else Q()
    )
    attendees = Attendee.objects.filter(agency_region, event__in=events)
    # An attendee belongs to one event and holds at most one pact there (a constraint): counting valid pacts
    # counts the attendees who signed, through the (agency, status) index instead of a join per attendee.
    signed = Pact.objects.filter(agency_region, event__in=events, status=Pact.Status.VALID)

    regions: dict[str, CoverageRow] = {}

    def region_row(values, prefix=""):
        regency_code = values[f"{prefix}regency_id"]
        if regency_code:
            key, label = regency_code, values[f"{prefix}regency__name"]
        else:
            key = values[f"{prefix}province_id"]
            label = _("%(province)s (tingkat provinsi)") % {"province": values[f"{prefix}province__name"]}
        return regions.setdefault(key, CoverageRow(key=key, label=str(label)))

    region_fields = ("regency_id", "regency__name", "province_id", "province__name")
    for values in agencies.values(*region_fields).annotate(**agency_counts).order_by():
        row = region_row(values)
        row.agencies_invited, row.agencies_signed = values["agencies_invited"], values["agencies_signed"]
    agency_region_fields = [f"agency__{name}" for name in region_fields]
    for values in attendees.values(*agency_region_fields).annotate(count=Count("pk")).order_by():
        region_row(values, prefix="agency__").attendees = values["count"]
    for values in signed.values(*agency_region_fields).annotate(count=Count("pk")).order_by():
        region_row(values, prefix="agency__").attendees_signed = values["count"]

    kind_labels = dict(Agency.Kind.choices)
    kinds: dict[str, CoverageRow] = {}

    def kind_row(kind):
        return kinds.setdefault(kind, CoverageRow(key=kind, label=str(kind_labels.get(kind, kind))))

    for values in agencies.values("kind").annotate(**agency_counts).order_by():
        row = kind_row(values["kind"])
        row.agencies_invited, row.agencies_signed = values["agencies_invited"], values["agencies_signed"]
    for values in attendees.values("agency__kind").annotate(count=Count("pk")).order_by():
        kind_row(values["agency__kind"]).attendees = values["count"]
    for values in signed.values("agency__kind").annotate(count=Count("pk")).order_by():
        kind_row(values["agency__kind"]).attendees_signed = values["count"]

    return Coverage(
        by_region=sorted(regions.values(), key=lambda row: row.key),
        by_kind=sorted(kinds.values(), key=lambda row: (-row.agencies_invited, row.label)),
    )
