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
