from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = "Departments and people"

    def ready(self):
        from departments import sessions  # noqa: F401  (connects the log-out receiver)
