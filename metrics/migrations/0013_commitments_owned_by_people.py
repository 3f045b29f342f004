"""Commitments owned by people: the free-text owner becomes a user (mapped by
name where one matches, else by the role the text names, else the
department's CSO), with a status (open, done, dropped) and a closing note; and
the follow-ups the hourly scan records once per commitment, kind and due date.

The historical rows' free-text owner is dropped with the column (the history
keeps what changed; a user cannot be recovered from old text reliably)."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CCSO_GROUP = "Chief Customer Service Officer"
# Words in a free-text owner that name a role rather than a person.
ROLE_WORDS = [
    (("chief customer service officer", "ccso"), "ccso"),
    (("customer service officer", "cso"), "cso"),
    (("analyst", "phillystat"), "analyst"),
    (("head", "director", "commissioner"), "head"),
]
ROLE_ORDER = ("cso", "head", "analyst")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9@.]+", " ", (text or "").lower()).strip()


def _role_named(text: str) -> str | None:
    words = f" {_norm(text)} "
    for names, role in ROLE_WORDS:
        if any(f" {n} " in words for n in names):
            return role
    return None


def map_owners(apps, schema_editor):
    Commitment = apps.get_model("metrics", "Commitment")
    User = apps.get_model(settings.AUTH_USER_MODEL.split(".")[0], "User")
    Assignment = apps.get_model("departments", "DepartmentAssignment")
    if not Commitment.objects.exists():
        return
    users = list(User.objects.all())
    by_name = {}
    for u in users:
        for key in (
            f"{u.first_name} {u.last_name}",
            f"{u.last_name} {u.first_name}",
            u.username,
            u.email,
        ):
            key = _norm(key)
            if key:
                by_name.setdefault(key, []).append(u)
    people = {}  # (department id, role) -> [user ids], active first
    for a in Assignment.objects.order_by("-user__is_active", "pk").values_list(
        "department_id", "role", "user_id"
    ):
        people.setdefault((a[0], a[1]), []).append(a[2])
    ccso = list(
        User.objects.filter(groups__name=CCSO_GROUP)
        .order_by("-is_active", "pk")
        .values_list("pk", flat=True)
    )

    def department_person(dept_id, *roles):
        for role in roles:
            if people.get((dept_id, role)):
                return people[(dept_id, role)][0]
        return None

    for c in Commitment.objects.all().iterator():
        text = (c.owner_text or "").strip()
        owner_id = None
        matches = by_name.get(_norm(text), []) if text else []
        if len(matches) == 1:  # an ambiguous name is not guessed
            owner_id = matches[0].pk
        if owner_id is None and text:
            role = _role_named(text)
            if role == "ccso":
                owner_id = ccso[0] if ccso else None
            elif role:
                owner_id = department_person(c.department_id, role)
        if owner_id is None:
            owner_id = department_person(c.department_id, *ROLE_ORDER) or c.created_by_id
            if text:
                # Keep what the meeting wrote, now that a person owns it.
                c.what = f"{c.what}\n(Owner noted at the meeting: {text})"
        c.owner_id = owner_id
        c.status = "open" if c.closed_at is None else "done"
        c.save(update_fields=["owner", "status", "what"])


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0006_training_reminder_schedule"),
        ("metrics", "0012_follow_up_memo_and_narrative_impediments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("commitment", "owner", "owner_text"),
        migrations.RemoveField("historicalcommitment", "owner"),
        migrations.AddField(
            model_name="commitment",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="commitments_owned",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Owner",
            ),
        ),
        migrations.AddField(
            model_name="historicalcommitment",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Owner",
            ),
        ),
        migrations.AddField(
            model_name="commitment",
            name="closing_note",
            field=models.TextField(blank=True, verbose_name="Closing note"),
        ),
        migrations.AddField(
            model_name="commitment",
            name="status",
            field=models.CharField(
                choices=[("open", "Open"), ("done", "Done"), ("dropped", "Dropped")],
                default="open",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalcommitment",
            name="closing_note",
            field=models.TextField(blank=True, verbose_name="Closing note"),
        ),
        migrations.AddField(
            model_name="historicalcommitment",
            name="status",
            field=models.CharField(
                choices=[("open", "Open"), ("done", "Done"), ("dropped", "Dropped")],
                default="open",
                max_length=10,
            ),
        ),
        migrations.RunPython(map_owners, migrations.RunPython.noop),
        migrations.RemoveField("commitment", "owner_text"),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(fields=["status", "due"], name="metrics_com_status_8a4b48_idx"),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(fields=["owner", "status"], name="metrics_com_owner_i_ca1635_idx"),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "open"), ("closed_at__isnull", True)),
                    models.Q(("status__in", ["done", "dropped"]), ("closed_at__isnull", False)),
                    _connector="OR",
                ),
                name="commitment_status_matches_closed_at",
            ),
        ),
        migrations.CreateModel(
            name="CommitmentFollowUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("due", "Due in 3 days"),
                            ("overdue", "Overdue"),
                            ("escalated", "A week overdue"),
                        ],
                        max_length=10,
                    ),
                ),
                ("due", models.DateField(help_text="The due date the follow-up was about.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follow_ups",
                        to="metrics.commitment",
                    ),
                ),
            ],
            options={"ordering": ["created_at", "pk"]},
        ),
        migrations.AddConstraint(
            model_name="commitmentfollowup",
            constraint=models.UniqueConstraint(
                fields=("commitment", "kind", "due"), name="one_follow_up_per_commitment_kind_due"
            ),
        ),
    ]
