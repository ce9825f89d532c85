from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from events import access, audit, exports

EXPORTS = {
    "csv": (exports.export_csv, "text/csv; charset=utf-8"),
    "xlsx": (exports.export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@login_required
def export(request, pk, format):
    event = access.get_event_for_user(request.user, pk, manage=True)
    if format not in EXPORTS:
        raise Http404
    render_export, content_type = EXPORTS[format]
    response = HttpResponse(render_export(event), content_type=content_type)
    filename = f"peserta-{event.code}-{slugify(event.title)[:40]}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def history(request, pk):
    event = access.get_event_for_user(request.user, pk, manage=True)
    page = Paginator(audit.event_trail(event), 50).get_page(request.GET.get("page"))
    return render(request, "events/history.html", {"event": event, "page": page})
