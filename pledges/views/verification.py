"""Checking an uploaded PDF: on the public verification page, and as a JSON API for machines.

Uploads are refused by their announced size before any of the body is read (the outer views are exempt from
CSRF only so that its middleware does not parse a huge body first; the page's form is then CSRF-checked).
The file itself is read in a sandboxed child process (`pledges.pdf.sandbox`).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from neutrality.clients import client_ip
from pledges.filters import PDF_TOO_LARGE, VerifyForm, VerifyPdfForm
from pledges.pdf import sandbox, verify
from pledges.throttle import throttle_hit

PDF_MISSING = _("Kirim berkas PDF sebagai isian `file` dari formulir multipart/form-data.")
TOO_MANY = _(
    "Terlalu banyak berkas diperiksa dari alamat Anda dalam satu menit. Tunggu sebentar, lalu coba lagi."
)


# A form upload's boundaries and part headers around the file.
MULTIPART_OVERHEAD = 4 * 1024


def _announced_too_large(request) -> bool:
    try:
        return (
            int(request.META.get("CONTENT_LENGTH") or 0) > settings.VERIFY_PDF_MAX_BYTES + MULTIPART_OVERHEAD
        )
    except ValueError:
        return True


def _throttled(request) -> bool:
    return not throttle_hit(scope="verify_pdf", key=client_ip(request), limit=settings.VERIFY_PDF_RATE_LIMIT)


def _page(request, pdf_form, *, verdict=None, refusal="", status=200):
    context = {"form": VerifyForm(), "pdf_form": pdf_form, "verdict": verdict, "pdf_refusal": refusal}
    return render(request, "pledges/registry/verify.html", context, status=status)


@csrf_exempt
@require_POST
def verify_pdf(request):
    """The verification page's upload: the verdict on the file, or why it could not be read."""
    max_bytes = settings.VERIFY_PDF_MAX_BYTES
    if _announced_too_large(request):
        refusal = PDF_TOO_LARGE % {"size": max_bytes // 1_048_576}
        return _page(request, VerifyPdfForm(max_bytes=max_bytes), refusal=refusal, status=413)
    return _verify_pdf_checked(request)


@csrf_protect
def _verify_pdf_checked(request):
    if _throttled(request):
        return render(request, "pledges/registry/rate_limited.html", status=429)
    form = VerifyPdfForm(request.POST, request.FILES, max_bytes=settings.VERIFY_PDF_MAX_BYTES)
    if not form.is_valid():
        return _page(request, form, status=413 if form.has_error("file", "too_large") else 400)
    try:
        verdict = verify.verify_pdf(form.cleaned_data["file"])
    except sandbox.Unreadable as error:
        form.add_error("file", verify.unreadable_message(error.reason))
        return _page(request, form, status=400)
    return _page(request, VerifyPdfForm(max_bytes=settings.VERIFY_PDF_MAX_BYTES), verdict=verdict)


def _json_error(code: str, message, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, **verify.in_both_languages(lambda: message)}}, status=status)


@csrf_exempt
@require_POST
def api_verify_pdf(request):
    """The verdict on a PDF for machines: POST it as the `file` field of a form (multipart/form-data, like the
    page; any other body is refused as the site refuses every non-form POST).

    Nothing is stored and no cookie is read, hence no CSRF token. Junk gets a 4xx with the reason.
    """
    max_bytes = settings.VERIFY_PDF_MAX_BYTES
    if _announced_too_large(request):
        return _json_error("too_large", PDF_TOO_LARGE % {"size": max_bytes // 1_048_576}, 413)
    if _throttled(request):
        return _json_error("rate_limited", TOO_MANY, 429)
    form = VerifyPdfForm(request.POST, request.FILES, max_bytes=max_bytes)
    data = form.cleaned_data["file"] if form.is_valid() else b""
    if not data:
        return _json_error("missing", PDF_MISSING, 400)
    try:
        verdict = verify.verify_pdf(data)
    except sandbox.Unreadable as error:
        return _json_error(error.reason, verify.UNREADABLE.get(error.reason, verify.NOT_PDF), 400)
    return JsonResponse(verdict.as_json(), json_dumps_params={"ensure_ascii": False})
