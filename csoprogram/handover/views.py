"""The hand-over page of a person on the roster: what they own, and one step
that gives the ticked items to a successor. Only roster managers (the CCSO,
administrators); everyone else gets 403 before any person is looked up."""

from django.contrib import messages
from django.shortcuts import redirect, render

from csoprogram.lib.forms import form_submit
from departments.roster.permissions import person_for_manager

from . import selectors, services
from .forms import HandOverForm


def person_handover(request, pk):
    person = person_for_manager(request.user, pk)
    groups = selectors.owned_by_person(person)
    form = HandOverForm(
        request.POST if request.method == "POST" else None,
        groups=groups,
        successors=selectors.successor_choices(person),
    )
    if request.method == "POST":
        handed = form_submit(
            form,
            lambda data: services.person_hand_over(
                actor=request.user,
                person=person,
                successor=data["successor"],
                keys=data["items"],
            ),
        )
        if handed is not None:
            successor = form.cleaned_data["successor"]
            messages.success(
                request, f"{handed} item{'s' * (handed != 1)} handed over to {successor}."
            )
            return redirect("csoprogram:person_handover", pk=person.pk)
    return render(
        request,
        "csoprogram/handover.html",
        {"person": person, "groups": groups, "form": form},
        status=400 if form.is_bound else 200,
    )
