from django.urls import path

from pledges.views import declarations, documents, registry

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
    path("tanda-terima/<str:code>/pakta.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("verifikasi/", registry.verify, name="verify"),
    path("verifikasi/<str:code>/", registry.verify_code, name="verify_code"),
]
