import re

from django.http import QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

# C0 control characters other than tab, line feed and carriage return: no form has a use for them, NUL breaks
# PostgreSQL's string literals and the rest break the XML inside an XLSX export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NOT_A_FORM_REFUSED = _(
    "Permintaan ini tidak dikirim sebagai formulir dan tidak dapat diproses. Tidak ada yang disimpan. Kirim "
    "dari halaman situs."
)
CONTROL_CHARACTERS_REFUSED = _(
    "Permintaan ini berisi karakter kendali (misalnya byte NUL) yang tidak dapat diproses. Tidak ada yang "
    "disimpan. Periksa kembali isian Anda."
)


class IgnoreBrowserLanguageMiddleware:
    """Serve Bahasa Indonesia unless the visitor picked another language with the switch.

    Many civil servants' phones run in English; the site's audience still expects Indonesian first, so the
    Accept-Language header is not consulted (the language cookie set by the switch still is).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def has_control_characters(request) -> bool:
    """Whether the path, a query parameter or a posted form field (not a file's content) holds one."""
    values = [request.path]
    for data in (request.GET, request.POST if request.method == "POST" else QueryDict()):
        for key, items in data.lists():
            values.append(key)
            values.extend(items)
    return any(CONTROL_CHARACTERS.search(value) for value in values)


class RefuseControlCharactersMiddleware:
    """A 400 page for any request whose parameters carry control characters, before a view sees them.

    Forms refuse NUL themselves, but query parameters reach filters and lookups directly: a NUL there made
    PostgreSQL raise (a 500). One rule at the door covers every view, including ones added later. Uploaded
    files are judged by their own parsers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            return render(request, "400.html", {"message": CONTROL_CHARACTERS_REFUSED}, status=400)
        return self.get_response(request)


class FormPostsOnlyMiddleware:
    """Every POST the site accepts comes from one of its HTML forms, or is JSON to a view marked with
    `events.http.accepts_json`; any other body is a 415.

    A view builds its form from `request.POST`, which is empty for a JSON or plain-text body: the form would
    show up blank with a 200 instead of saying that nothing was understood.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        wanted = ("application/json",) if getattr(view_func, "accepts_json", False) else FORM_CONTENT_TYPES
        if request.content_type in wanted:
            return None
        return render(request, "400.html", {"message": NOT_A_FORM_REFUSED}, status=415)


class PrivatePagesMiddleware:
    """Nothing a signed-in person is shown is kept by a browser or a proxy cache.

    Staff pages, exports and PDFs carry full identity numbers, phone numbers and e-mail addresses; a shared
    computer's back button or a caching proxy must not replay them after the session ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
