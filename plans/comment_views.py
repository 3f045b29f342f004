"""Editing or withdrawing one's own review comment, within the window of
plans/comments.py. Both ask on a page of their own first (no JavaScript needed)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from csoprogram.lib.access import methods_after_access
from csoprogram.lib.forms import form_add_error
from csoprogram.lib.rules import RuleError

from . import comments, permissions
from .forms import CommentEditForm
from .views import confirm_page


def _own_comment(request, pk):
    return permissions.plan_comment_for_user(
        request.user, pk, act=lambda user, c: comments.comment_changeable(c, user)
    )


def _back(comment):
    return redirect(f"{comment.plan.get_absolute_url()}#conversation")


@methods_after_access(("GET", "HEAD", "POST"), _own_comment)
def plan_comment_edit(request, comment, pk):
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                comments.plan_comment_edit(
                    comment=comment, user=request.user, body=form.cleaned_data["body"]
                )
            except RuleError as error:
                form_add_error(form, error)
            else:
                messages.success(request, "Your comment is changed; the earlier text is kept.")
                return _back(comment)
        status = 400
    else:
        form = CommentEditForm(initial={"body": comment.body})
    context = {"plan": comment.plan, "comment": comment, "form": form}
    return render(request, "plans/comment_edit.html", context, status=status)


@methods_after_access(("GET", "HEAD", "POST"), _own_comment)
def plan_comment_withdraw(request, comment, pk):
    if request.method == "POST":
        try:
            comments.plan_comment_withdraw(comment=comment, user=request.user)
        except RuleError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, "Your comment is withdrawn; it stays in the history.")
        return _back(comment)
    return confirm_page(
        request,
        comment.plan,
        heading="Withdraw your comment",
        explanation=f"“{comment.body}” will show as withdrawn in the review conversation; "
        "its text stays in the plan's history.",
        button="Withdraw the comment",
        button_class="btn-outline-danger",
        action=request.path,
    )
