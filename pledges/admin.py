from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pledges.models import AccessRecord, Declaration, Pact, PaperSheet


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "province", "regency", "created_at"]
    list_filter = ["province"]
    search_fields = ["title", "opening"]
    list_select_related = ["province", "regency"]


@admin.register(PaperSheet)
class PaperSheetAdmin(admin.ModelAdmin):
    list_display = ["event", "file", "uploaded_by", "uploaded_at"]
    search_fields = ["event__title", "note"]
    list_select_related = ["event", "uploaded_by"]


@admin.register(Pact)
class PactAdmin(SimpleHistoryAdmin):
    """Pacts are evidence: the admin shows them but never edits their signed content."""

    list_display = ["code", "signer_name", "signer_agency", "event", "method", "signed_at", "status"]
    list_filter = ["status", "method", "event__election"]
    search_fields = ["code", "signer_name", "signer_identity_number"]
    list_select_related = ["event"]
    date_hierarchy = "signed_at"
    readonly_fields = (
        "event",
        "attendee",
        "declaration",
        "agency",
        "method",
        "signed_at",
        "signer_name",
        "signer_identity_kind",
        "signer_identity_number",
        "signer_position",
        "signer_rank",
        "signer_agency",
        "signature",
        "signature_print",
        "signature_sha256",
        "paper_sheet",
        "collected_by",
        "client_address_hmac",
        "client_agent_hmac",
        "content_hash",
        "code",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Administrators read the access log; nobody adds, changes or deletes an entry through the site."""

    list_display = ["at", "username", "action", "target", "event_id", "short_address"]
    list_filter = ["action"]
    search_fields = ["username", "target", "subject_hmac"]
    date_hierarchy = "at"
    actions = None

    @admin.display(description=_("HMAC alamat IP"))
    def short_address(self, record):
        return record.address_hmac[:12]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
