from django.urls import path

from events.views import attendees, dashboard, events, imports

app_name = "events"

urlpatterns = [
    path("masuk/", dashboard.landing, name="landing"),
    path("kegiatan/<int:pk>/hapus/", events.event_delete, name="delete"),
    path("kegiatan/<int:pk>/buka/", events.open_signing, name="open_signing"),
    path("kegiatan/<int:pk>/tutup/", events.close_signing, name="close_signing"),
    path("kegiatan/<int:pk>/buka-kembali/", events.reopen_signing, name="reopen_signing"),
    path("kegiatan/<int:pk>/undangan/", events.invitation_add, name="invitation_add"),
    path("kegiatan/<int:pk>/undangan/instansi-baru/", events.agency_add, name="agency_add"),
    path(
        "kegiatan/<int:pk>/undangan/<int:invitation_pk>/hapus/",
        events.invitation_remove,
        name="invitation_remove",
    ),
    path("kegiatan/<int:pk>/peserta/baru/", attendees.attendee_create, name="attendee_create"),
    path("kegiatan/<int:pk>/impor/", imports.upload, name="import"),
    path("kegiatan/<int:pk>/impor/pratinjau/", imports.preview, name="import_preview"),
    path("kegiatan/<int:pk>/impor/batal/", imports.cancel, name="import_cancel"),
    path("peserta/<int:pk>/ubah/", attendees.attendee_update, name="attendee_update"),
    path("peserta/<int:pk>/hapus/", attendees.attendee_delete, name="attendee_delete"),
]
