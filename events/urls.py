from django.urls import path  # noqa: F401 - the staff workflow adds its routes here

app_name = "events"

urlpatterns = []
