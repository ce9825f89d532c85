"""Staff pages for the declaration texts: list, read, create from the default text, edit or revise."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from events import access
from events.http import render_form
from events.services import EventError
from pledges import services
from pledges.access import (
    declaration_owner_for,
    declarations_managed_by,
    declarations_visible_to,
    get_declaration_for_user,
)
from pledges.models import Declaration


class DeclarationForm(forms.ModelForm):
    """The points are edited one per line in a textarea and stored as a list."""

    points = forms.CharField(
        label=_("Butir-butir"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Satu butir per baris; penomoran dibuat otomatis."),
    )

    class Meta:
        model = Declaration
        fields = ["title", "opening", "points", "closing", "place_date_line"]
        widgets = {"opening": forms.Textarea(attrs={"rows": 3}), "closing": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("points"), list):
            self.initial["points"] = "\n".join(self.initial["points"])

    def clean_points(self):
        points = [line.strip() for line in self.cleaned_data["points"].splitlines() if line.strip()]
        if not points:
            raise forms.ValidationError(_("Naskah harus memiliki sedikitnya satu butir."))
        return points


def _event_to_attach(request):
    """The event a new declaration is made for (?event=pk), if the user may still change it."""
    pk = request.GET.get("event") or request.POST.get("event")
    if not pk or not str(pk).isdigit():
        return None
    event = access.get_event_for_user(request.user, int(pk), manage=True)
    if not access.can_edit_event(request.user, event):
        raise PermissionDenied
    return event


@login_required
def declaration_list(request):
    access.require_staff_member(request.user)
    declarations = declarations_visible_to(request.user).select_related("province", "regency")
    query = request.GET.get("q", "").strip()
    if query:
        declarations = declarations.filter(Q(title__icontains=query) | Q(opening__icontains=query))
    page = Paginator(declarations.order_by("title", "-version", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "pledges/declarations/list.html", {"page": page, "query": query})


@login_required
def declaration_detail(request, pk):
    access.require_staff_member(request.user)
    declaration = get_declaration_for_user(request.user, pk)
    can_edit = declarations_managed_by(request.user).filter(pk=declaration.pk).exists()
    context = {"declaration": declaration, "can_edit": can_edit}
    return render(request, "pledges/declarations/detail.html", context)


@login_required
def declaration_create(request):
    """A new text, starting from the default one (or from ?from=pk, a text the user can read)."""
    access.require_staff_member(request.user)
    event = _event_to_attach(request)
    source = services.declaration_default()
    if request.GET.get("from", "").isdigit():
        source = get_declaration_for_user(request.user, int(request.GET["from"]))
    initial = {name: getattr(source, name) for name in services.DECLARATION_FIELDS}
    form = DeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        declaration = services.declaration_create(
            user=request.user, **declaration_owner_for(request.user), **form.cleaned_data
        )
        messages.success(request, _("Naskah “%(title)s” dibuat.") % {"title": declaration.title})
        if event is not None:
            try:
                services.event_update(event=event, user=request.user, declaration=declaration)
            except EventError as error:
                messages.error(request, str(error))
            return redirect(event)
        return redirect("pledges:declaration_detail", declaration.pk)
    return render_form(request, "pledges/declarations/form.html", {"form": form, "event": event})


@login_required
def declaration_update(request, pk):
    declaration = get_declaration_for_user(request.user, pk, manage=True)
    form = DeclarationForm(request.POST or None, instance=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            saved, is_new_version = services.declaration_update(
                declaration=declaration, user=request.user, **form.cleaned_data
            )
        except services.DeclarationError as error:
            messages.error(request, str(error))
        else:
            if is_new_version:
                messages.warning(
                    request,
                    _(
                        "Naskah ini sudah ditandatangani, jadi perubahan disimpan sebagai versi baru (versi "
                        "%(version)d). Versi lama tetap berlaku untuk yang sudah menandatangani; pilih versi baru "
                        "di kegiatan yang akan memakainya."
                    )
                    % {"version": saved.version},
                )
            else:
                messages.success(request, _("Perubahan naskah disimpan."))
            return redirect("pledges:declaration_detail", saved.pk)
    context = {"form": form, "declaration": declaration, "locked": declaration.is_locked}
    return render_form(request, "pledges/declarations/form.html", context)
