"""Answers to bad input, the same in every view: the page again with the reasons, and a 4xx status."""

from django.shortcuts import render


def render_form(request, template: str, context: dict, *, status: int | None = None):
    """Render a page around `context["form"]`; a submission the form refused answers 400, not 200."""
    form = context["form"]
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def refuse(request, message, *, back: str = "", status: int = 400):
    """The error page with the reason and a way back, for a form that has no page of its own."""
    return render(request, "400.html", {"message": message, "back": back}, status=status)


def accepts_json(view):
    """Mark a view that takes a JSON body (the offline kiosk's calls) rather than a form: the middleware that
    refuses other POST bodies (neutrality.middleware.FormPostsOnlyMiddleware) lets its JSON through."""
    view.accepts_json = True
    return view
