from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.people, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:pk>/invitation/", views.person_invitation_send, name="person_invitation_send"
    ),
    path("people/<int:pk>/program-roles/", views.program_roles, name="program_roles"),
    path("people/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/archive/", views.department_archive, name="department_archive"),
    path("departments/<int:pk>/restore/", views.department_restore, name="department_restore"),
]
