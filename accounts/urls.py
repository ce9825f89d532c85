from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("verifikasi/", views.verify, name="verify"),
    path("autentikator/", views.enrol, name="enrol"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("kata-sandi/selesai/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
