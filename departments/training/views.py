"""The CSO training program's pages. Thin views: access through
training.permissions, rules in training.services, reads in training.selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from departments import roles
from departments.models import Department
from departments.permissions import require_ccso

from . import selectors, services
from .forms import CompletionForm, ModuleForm, SessionForm
from .permissions import module_for_user, require_training_reader, session_for_user


def overview(request):
    require_training_reader(request.user)
    if not roles.is_program_wide(request.user):
        return render(
            request,
            "departments/training/my_training.html",
            {"training": selectors.training_for_person(request.user)},
        )
    departments = list(Department.objects.filter(active=True).order_by("name"))
    progress = selectors.training_progress([d.pk for d in departments])
    return render(
        request,
        "departments/training/overview.html",
        {
            "modules": selectors.training_modules(),
            "rows": [(d, progress.get(d.pk, [])) for d in departments],
            "is_ccso": roles.is_ccso(request.user),
        },
    )


def module_create(request):
    require_ccso(request.user)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        module = services.module_save(**form.cleaned_data)
        messages.success(request, f"Training module “{module}” added. Now schedule a session.")
        return redirect("training:module_detail", pk=module.pk)
    return render(request, "departments/training/module_form.html", {"form": form})


def module_edit(request, pk):
    module = module_for_user(request.user, pk, write=True)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        services.module_save(module=module, **form.cleaned_data)
        messages.success(request, f"Training module “{module}” saved.")
        return redirect("training:module_detail", pk=module.pk)
    return render(
        request, "departments/training/module_form.html", {"form": form, "module": module}
    )


def _module_page(request, module, completion_form=None, status=200):
    is_ccso = roles.is_ccso(request.user)
    context = {
        "module": module,
        "sessions": module.sessions.order_by("-starts_at"),
        "is_ccso": is_ccso,
    }
    if roles.is_program_wide(request.user):
        context["completions"] = module.completions.select_related("user").order_by(
            "user__last_name", "user__first_name"
        )
    else:
        context["my_completion"] = module.completions.filter(user=request.user).first()
    if is_ccso:
        context["completion_form"] = completion_form or CompletionForm(
            cso_ids=services.active_cso_ids()
        )
    return render(request, "departments/training/module_detail.html", context, status=status)


def module_detail(request, pk):
    return _module_page(request, module_for_user(request.user, pk))


def completion_add(request, pk):
    module = module_for_user(request.user, pk, write=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CompletionForm(request.POST, cso_ids=services.active_cso_ids())
    if form.is_valid():
        completion = services.completion_record(
            actor=request.user,
            module=module,
            user_id=form.cleaned_data["user"].pk,
            completed_on=form.cleaned_data["completed_on"],
        )
        messages.success(request, f"{completion.user} completed “{module}”.")
        return redirect("training:module_detail", pk=module.pk)
    return _module_page(request, module, completion_form=form, status=400)


def session_create(request, pk):
    module = module_for_user(request.user, pk, write=True)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.session_save(module=module, **form.cleaned_data)
        messages.success(request, "Training session scheduled.")
        return redirect("training:session_detail", pk=session.pk)
    return render(
        request, "departments/training/session_form.html", {"form": form, "module": module}
    )


def session_edit(request, pk):
    session = session_for_user(request.user, pk, write=True)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.session_save(module=session.module, session=session, **form.cleaned_data)
        messages.success(request, "Training session saved.")
        return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "departments/training/session_form.html",
        {"form": form, "module": session.module, "session": session},
    )


def session_detail(request, pk):
    session = session_for_user(request.user, pk)
    return render(
        request,
        "departments/training/session_detail.html",
        {
            "session": session,
            "trainees": selectors.trainees_for_session(session),
            "is_ccso": roles.is_ccso(request.user),
        },
    )


def _ids(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


def attendance(request, pk):
    session = session_for_user(request.user, pk, write=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.attendance_record(
            actor=request.user,
            session=session,
            attended=_ids(request.POST.getlist("attended")),
            completed=_ids(request.POST.getlist("completed")),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Attendance and completion saved.")
    return redirect("training:session_detail", pk=session.pk)
