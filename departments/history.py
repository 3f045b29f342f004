"""Who changed the roster, when, and what: django-simple-history on people,
departments and assignments. The roster's timelines read these records
(departments.roster.selectors); changes made in the Django admin are kept too."""

from simple_history import register
from simple_history.models import HistoricalRecords

# Never copied into the history: a password hash must not outlive a password
# change, and log-ins and session ends are not changes to the person.
PERSON_FIELDS_NOT_KEPT = ("password", "last_login", "session_generation")


class PersonHistoricalRecords(HistoricalRecords):
    """Every log-in saves last_login alone (update_fields); such a save records nothing."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(PERSON_FIELDS_NOT_KEPT):
            return
        super().post_save(instance, created, using=using, **kwargs)


def register_history() -> None:
    from departments.models import Department, DepartmentAssignment, User

    register(Department)
    register(DepartmentAssignment)
    register(
        User,
        records_class=PersonHistoricalRecords,
        excluded_fields=list(PERSON_FIELDS_NOT_KEPT),
    )
