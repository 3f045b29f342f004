"""Publishing a department's page: the CSO asks, the CCSO approves, either
withdraws it. The anonymous pages are in public_views.py."""

from django.contrib import messages
from django.shortcuts import redirect, render

from csoprogram.lib.access import methods_after_access, post_only
from csoprogram.lib.forms import form_add_error
from csoprogram.lib.rules import RuleError

from . import selectors, services
from .forms import PublicationForm
from .permissions import (
    can_approve_publication,
    can_request_publication,
    can_withdraw_publication,
    publication_department_for_user,
)


def _department(act=None):
    return lambda request, slug: publication_department_for_user(request.user, slug, act=act)


def _page_department(request, slug):
    # Anyone who may see the department reads the page; only its CSO posts to it.
    act = can_request_publication if request.method == "POST" else None
    return publication_department_for_user(request.user, slug, act=act)


@methods_after_access(("GET", "HEAD", "POST"), _page_department)
def publication(request, department, slug):
    """A department's public page: the CSO asks to publish (choosing metrics),
    the CCSO approves; everyone of the department and the program can look."""
    pub = selectors.department_publication(department)
    form = PublicationForm(
        request.POST if request.method == "POST" else None,
        department=department,
        initial={"metrics": list(pub.metrics.all()) if pub else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_request(
                user=request.user, department=department, metrics=form.cleaned_data["metrics"]
            )
        except RuleError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, "Publishing requested. The Chief Customer Service Officer approves it."
            )
            return redirect("csoprogram:publication", slug=department.slug)
    user = request.user
    return render(
        request,
        "csoprogram/publication.html",
        {
            "department": department,
            "publication": pub,
            "form": form,
            "can_request": can_request_publication(user, department),
            "can_approve": can_approve_publication(user, department),
            "can_withdraw": can_withdraw_publication(user, department),
            "has_approved_plan": selectors.department_has_approved_plan(department),
        },
        status=400 if form.errors else 200,
    )


@post_only(_department(can_approve_publication))
def publication_approve(request, department, slug):
    if services.publication_approve(user=request.user, department=department):
        messages.success(request, f"{department.display_name}'s public page is published.")
    else:
        messages.info(request, "There was no request to publish waiting.")
    return redirect("csoprogram:publication", slug=department.slug)


@post_only(_department(can_withdraw_publication))
def publication_withdraw(request, department, slug):
    services.publication_withdraw(user=request.user, department=department)
    messages.success(request, "The public page is withdrawn.")
    return redirect("csoprogram:publication", slug=department.slug)
