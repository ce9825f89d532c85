"""The log's public paths (issue 19): clients are written against these exact paths, without trailing slashes."""

from django.urls import path

from pledges.transparency import views

app_name = "transparency"

urlpatterns = [
    path("key", views.key, name="key"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("checkpoint/<int:size>", views.checkpoint_at, name="checkpoint_at"),
    path("entries", views.entries, name="entries"),
    path("proof/inclusion", views.inclusion, name="inclusion"),
    path("proof/consistency", views.consistency, name="consistency"),
    path("cosign", views.cosign, name="cosign"),
]
