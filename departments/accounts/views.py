"""Joining and signing in: the invitation link, single sign-on, password
reset by e-mail, and API tokens. Thin views; rules in services.py."""

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services, sso, throttle
from .forms import ApiTokenForm, ChoosePasswordForm, ResetRequestForm

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path


# -- invitation ----------------------------------------------------------------------


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request, token):
    state, invitation = services.invitation_for_token(token)
    if state != services.InvitationState.OPEN:
        return render(
            request,
            "registration/invitation_closed.html",
            {"message": services.INVITATION_MESSAGES[state]},
            status=410,
        )
    person = invitation.user
    form = None if person.sso_only else ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            try:
                person = services.invitation_accept(
                    token=token, password=form.cleaned_data["new_password1"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                login(request, person, backend=PASSWORD_BACKEND)
                messages.success(request, "Welcome to the CSO Program. Your password is set.")
                return redirect("home")
    return render(
        request,
        "registration/invitation_accept.html",
        {"form": form, "person": person, "invitation": invitation},
    )


# -- single sign-on ------------------------------------------------------------------


def _sso_or_404():
    if not sso.sso_enabled():
        raise Http404("Single sign-on is not configured.")


def _provider_unreachable(request, error):
    sso.logger.warning("Single sign-on provider unreachable: %s", error)
    messages.error(
        request,
        "The city's single sign-on does not answer at the moment. Try again in a few "
        "minutes, or log in with your password.",
    )
    return redirect("login")


@login_not_required
@never_cache
def sso_login(request):
    _sso_or_404()
    try:
        return sso.SsoRequestView.as_view()(request)
    except (requests.RequestException, ImproperlyConfigured) as error:
        return _provider_unreachable(request, error)


@login_not_required
@never_cache
def sso_callback(request):
    _sso_or_404()
    try:
        return sso.SsoCallbackView.as_view()(request)
    except requests.RequestException as error:
        return _provider_unreachable(request, error)


# -- password reset ------------------------------------------------------------------

RESET_DONE = reverse_lazy("accounts:password_reset_done")


@login_not_required
@never_cache
def password_reset(request):
    """Django's reset view, throttled. The answer is the same whether or not
    the address is known, and whether or not an e-mail went out."""
    if request.method == "POST":
        if not throttle.reset_allowed_from(request.META.get("REMOTE_ADDR", "")):
            form = ResetRequestForm(request.POST)
            form.is_valid()
            form.add_error(
                None,
                "Too many password reset requests from your network. Try again in an hour.",
            )
            return render(
                request, "registration/password_reset_form.html", {"form": form}, status=429
            )
        if not throttle.reset_allowed_for(request.POST.get("email", "")):
            return redirect(RESET_DONE)
    return auth_views.PasswordResetView.as_view(
        form_class=ResetRequestForm,
        success_url=RESET_DONE,
        email_template_name="registration/password_reset_email.txt",
        html_email_template_name="registration/password_reset_email.html",
        subject_template_name="registration/password_reset_subject.txt",
        extra_email_context={"site_url": settings.SITE_URL},
    )(request)


# Pages of a person's own sign-in: never kept by a browser or a proxy.
password_reset_done = never_cache(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = never_cache(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=ChoosePasswordForm,
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = never_cache(auth_views.PasswordResetCompleteView.as_view())


# -- API tokens ----------------------------------------------------------------------


@never_cache
def token_create(request):
    """The new token is shown on this answer once, never again."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "registration/token_created.html", {"token": token, "key": key})
    return render(request, "registration/token_form.html", {"form": form})


@require_POST
def token_revoke(request, pk):
    if services.api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, "The token is revoked: programs using it can no longer sign in.")
    else:
        raise Http404("No such token.")
    return redirect("profile")
