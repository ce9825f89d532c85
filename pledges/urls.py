from django.urls import path

from pledges.views import declarations, documents, offline, registry, signing, staff, subject

app_name = "pledges"

urlpatterns = [
    path("staf/naskah/", declarations.declaration_list, name="declaration_list"),
    path("staf/naskah/baru/", declarations.declaration_create, name="declaration_create"),
    path("staf/naskah/<int:pk>/", declarations.declaration_detail, name="declaration_detail"),
    path("staf/naskah/<int:pk>/ubah/", declarations.declaration_update, name="declaration_update"),
    path("staf/subjek-data/", subject.subject, name="subject"),
    path("staf/subjek-data/salinan.zip", subject.subject_export, name="subject_export"),
    path("staf/subjek-data/peserta/<int:pk>/kontak/", subject.subject_contact, name="subject_contact"),
    path("staf/subjek-data/selesai/", subject.subject_done, name="subject_done"),
    path("registri/", registry.registry, name="registry"),
    path("registri/unduh.csv", registry.registry_csv, name="registry_csv"),
    path("cakupan/", registry.coverage, name="coverage"),
    path("privasi/", registry.privacy, name="privacy"),
    path("api/pakta/", registry.api_pacts, name="api_pacts"),
    path("pakta/<str:code>/", registry.pact_detail, name="pact"),
    path("pakta/<str:code>/tanda-tangan.png", registry.pact_signature, name="pact_signature"),
    path("pakta/<str:code>/unduh.pdf", documents.pact_pdf, name="pact_pdf"),
    path("staf/kegiatan/<int:pk>/lembar-tanda-tangan.pdf", documents.event_sheet, name="event_sheet"),
    path("staf/kegiatan/<int:pk>/pakta.pdf", documents.event_pacts_pdf, name="event_pacts_pdf"),
    path(
        "staf/kegiatan/<int:pk>/pakta-kosong.pdf",
        documents.event_blank_declarations,
        name="event_blank_declarations",
    ),
    path("staf/kegiatan/<int:pk>/poster.pdf", documents.event_poster, name="event_poster"),
    path("staf/dokumen/<int:pk>/", documents.document_job, name="document_job"),
    path("staf/dokumen/<int:pk>/status/", documents.document_job_status, name="document_job_status"),
    path("staf/dokumen/<int:pk>/unduh.pdf", documents.document_job_file, name="document_job_file"),
    path("tanda-terima/<str:code>/pakta.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("verifikasi/", registry.verify, name="verify"),
    path("verifikasi/<str:code>/", registry.verify_code, name="verify_code"),
    # Signing (kiosk, own phone, paper, witnesses, the hall's screen)
    path("kiosk/<int:pk>/", signing.kiosk, name="kiosk"),
    path("kiosk/<int:pk>/peserta/<int:attendee_pk>/", signing.kiosk_sign, name="kiosk_sign"),
    path("kiosk/<int:pk>/selesai/<str:code>/", signing.kiosk_done, name="kiosk_done"),
    # The offline kiosk (service worker, local queue, sync)
    path("kiosk/sw.js", offline.kiosk_worker, name="kiosk_worker"),
    path("kiosk/<int:pk>/luring/", offline.kiosk_offline, name="kiosk_offline"),
    path("kiosk/<int:pk>/luring/manifest.webmanifest", offline.kiosk_manifest, name="kiosk_manifest"),
    path("kiosk/<int:pk>/luring/data/", offline.kiosk_offline_data, name="kiosk_offline_data"),
    path("kiosk/<int:pk>/luring/perangkat/", offline.kiosk_offline_device, name="kiosk_offline_device"),
    path("kiosk/<int:pk>/luring/kirim/", offline.kiosk_offline_sync, name="kiosk_offline_sync"),
    path("staf/kegiatan/<int:pk>/kios-luring/", offline.kiosk_devices, name="kiosk_devices"),
    path("tandatangan/<str:code>/", signing.sign, name="sign"),
    path("tandatangan/<str:code>/hadir/<str:token>/", signing.sign_present, name="sign_present"),
    path("tandatangan/<str:code>/daftar/", signing.sign_walk_in, name="sign_walk_in"),
    path("tandatangan/<str:code>/pakta/", signing.sign_confirm, name="sign_confirm"),
    path("tanda-terima/<str:code>/", signing.receipt, name="receipt"),
    path("proyektor/<int:pk>/", signing.projector, name="projector"),
    path("proyektor/<int:pk>/status/", signing.projector_status, name="projector_status"),
    path("proyektor/<int:pk>/qr.svg", signing.projector_qr, name="projector_qr"),
    path("kertas/<int:pk>/", signing.paper, name="paper"),
    path("saksi/<int:pk>/", signing.witnesses, name="witnesses"),
    path("saksi/<int:pk>/<int:witness_pk>/tandatangan/", signing.witness_sign, name="witness_sign"),
    path("tarik/<str:code>/", signing.withdraw, name="withdraw"),
]

# Staff pages that show signing status; neutrality/urls.py serves them under /staf/ in the `events` namespace,
# beside events.urls, so that the staff area keeps one set of names.
staff_urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("unit/", staff.opd_home, name="opd_home"),
    path("kegiatan/", staff.event_list, name="list"),
    path("kegiatan/baru/", staff.event_create, name="create"),
    path("kegiatan/<int:pk>/", staff.event_detail, name="detail"),
    path("kegiatan/<int:pk>/ubah/", staff.event_update, name="update"),
    path("kegiatan/<int:pk>/ekspor.<str:format>", staff.export, name="export"),
    path("kegiatan/<int:pk>/riwayat/", staff.history, name="history"),
]
