from django.urls import path

from pledges.views import declarations, documents, registry, signing, verification

app_name = "pledges"

urlpatterns = [
    path("staf/naskah/", declarations.declaration_list, name="declaration_list"),
    path("staf/naskah/baru/", declarations.declaration_create, name="declaration_create"),
    path("staf/naskah/<int:pk>/", declarations.declaration_detail, name="declaration_detail"),
    path("staf/naskah/<int:pk>/ubah/", declarations.declaration_update, name="declaration_update"),
    path("registri/", registry.registry, name="registry"),
    path("registri/unduh.csv", registry.registry_csv, name="registry_csv"),
    path("cakupan/", registry.coverage, name="coverage"),
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
    path("tanda-terima/<str:code>/pakta.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("verifikasi/", registry.verify, name="verify"),
    path("verifikasi/berkas/", verification.verify_pdf, name="verify_pdf"),
    path("api/verifikasi/", verification.api_verify_pdf, name="api_verify_pdf"),
    path("verifikasi/<str:code>/", registry.verify_code, name="verify_code"),
    # Signing (kiosk, own phone, paper, witnesses, the hall's screen)
    path("kiosk/<int:pk>/", signing.kiosk, name="kiosk"),
    path("kiosk/<int:pk>/peserta/<int:attendee_pk>/", signing.kiosk_sign, name="kiosk_sign"),
    path("kiosk/<int:pk>/selesai/<str:code>/", signing.kiosk_done, name="kiosk_done"),
    path("tandatangan/<str:code>/", signing.sign, name="sign"),
    path("tandatangan/<str:code>/daftar/", signing.sign_walk_in, name="sign_walk_in"),
    path("tandatangan/<str:code>/pakta/", signing.sign_confirm, name="sign_confirm"),
    path("tanda-terima/<str:code>/", signing.receipt, name="receipt"),
    path("proyektor/<int:pk>/", signing.projector, name="projector"),
    path("proyektor/<int:pk>/status/", signing.projector_status, name="projector_status"),
    path("kertas/<int:pk>/", signing.paper, name="paper"),
    path("saksi/<int:pk>/", signing.witnesses, name="witnesses"),
    path("saksi/<int:pk>/<int:witness_pk>/tandatangan/", signing.witness_sign, name="witness_sign"),
    path("tarik/<str:code>/", signing.withdraw, name="withdraw"),
]
