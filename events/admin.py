from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from events.models import (
    Agency,
    Attendee,
    Election,
    Event,
    Invitation,
    Membership,
    Province,
    Regency,
    Witness,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "regency", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "regency__name"]
    list_select_related = ["regency", "province"]
    autocomplete_fields = ["regency", "province"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "voting_day", "nationwide"]
    list_filter = ["kind", "nationwide"]
    search_fields = ["name"]
    filter_horizontal = ["provinces", "regencies"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "regency", "agency"]
    list_filter = ["role", "province"]
    search_fields = ["user__username", "agency__name", "regency__name"]
    list_select_related = ["user", "province", "regency", "agency"]
    autocomplete_fields = ["user", "province", "regency", "agency"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    autocomplete_fields = ["agency"]
    extra = 0


class WitnessInline(admin.TabularInline):
    model = Witness
    extra = 0


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "election", "regency", "starts_at", "status", "is_public"]
    list_filter = ["status", "kind", "election", "province", "is_public"]
    search_fields = ["title", "venue", "code", "regency__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["election", "regency"]
    autocomplete_fields = ["province", "regency", "organiser"]
    readonly_fields = ["code"]
    inlines = [InvitationInline, WitnessInline]


@admin.register(Attendee)
class AttendeeAdmin(SimpleHistoryAdmin):
    list_display = [
        "full_name",
        "identity_kind",
        "identity_number",
        "position",
        "agency",
        "event",
        "is_walk_in",
    ]
    list_filter = ["identity_kind", "is_walk_in", "event__election"]
    search_fields = ["full_name", "identity_number", "agency__name"]
    list_select_related = ["agency", "event"]
    autocomplete_fields = ["event", "agency"]
    readonly_fields = ["personal_code"]
