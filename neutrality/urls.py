from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from events.urls import urlpatterns as event_urlpatterns
from neutrality import views
from pledges.urls import staff_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("masuk/", account_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # One staff namespace over both apps: events (base data) and pledges (pages that show signing status).
    path("staf/", include((event_urlpatterns + staff_urlpatterns, "events"))),
    path("", include("pledges.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Error pages in the site's look and the visitor's language (templates/400.html ... 500.html); the 500 page
# renders without the request's context processors, which may be what failed.
handler500 = "neutrality.views.server_error"
