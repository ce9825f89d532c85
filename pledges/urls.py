from django.urls import path  # noqa: F401 - the capabilities below add their routes here

app_name = "pledges"

urlpatterns = []
