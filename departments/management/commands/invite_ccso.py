"""Invite the first Chief Customer Service Officer on a fresh install:

    python manage.py invite_ccso rosetta.lue@phila.gov --first-name Rosetta --last-name Lue

She gets an e-mail with a one-time link to choose a password (or to sign in
with single sign-on); the link is printed too, for an install whose e-mail is
not set up yet. From there she runs the roster in the app.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from departments.accounts.services import invitation_create, invitation_send
from departments.models import User
from departments.roles import CCSO_GROUP
from departments.roster.services import person_invite, program_role_set


class Command(BaseCommand):
    help = "Invite a Chief Customer Service Officer by e-mail (the first one on a fresh install)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--sso-only",
            action="store_true",
            help="She signs in with single sign-on only (no password).",
        )

    def handle(self, *args, email, first_name, last_name, sso_only, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        with transaction.atomic():
            person = User.objects.filter(email__iexact=email).first()
            if person is None:
                person, issued = person_invite(
                    actor=None,
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    sso_only=sso_only,
                    program_role=CCSO_GROUP,
                )
            else:
                if not person.is_active:
                    raise CommandError(f"{person} is deactivated; reactivate them first.")
                program_role_set(actor=None, person=person, group_name=CCSO_GROUP, held=True)
                issued = invitation_create(user=person, created_by=None)
        sent = invitation_send(issued=issued)
        self.stdout.write(
            f"{person} ({person.email}, user name {person.username}) is Chief Customer "
            "Service Officer."
        )
        if sent:
            self.stdout.write(f"Invitation e-mailed to {person.email}.")
        else:
            self.stderr.write("The invitation e-mail could not be sent (see the log above).")
        expires = f"{timezone.localtime(issued.invitation.expires_at):%Y-%m-%d %H:%M %Z}"
        self.stdout.write(f"Invitation link (works once, expires {expires}):")
        self.stdout.write(issued.url)
