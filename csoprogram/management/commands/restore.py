"""Restore a backup made by `manage.py backup` into the configured database."""

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import pg_env_and_args


class Command(BaseCommand):
    help = "Restore database and media files from a backup archive (replaces current data)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--noinput", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, noinput=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Restores use pg_restore: set DATABASE_URL to a PostgreSQL database."
            )
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"No backup at {source}")
        db = connection.settings_dict
        if not noinput:
            answer = input(
                f"This replaces all data in database {db['NAME']!r}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        env, conn_args = pg_env_and_args(db)
        connection.close()
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(source) as tar:
            tar.extractall(tmp, filter="data")
            dump = Path(tmp) / "database.dump"
            if not dump.exists():
                raise CommandError("The archive has no database.dump.")
            subprocess.run(  # noqa: S603 - fixed argv, no shell
                [
                    shutil.which("pg_restore") or "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    str(db["NAME"]),
                    *conn_args,
                    str(dump),
                ],
                env=env,
                check=True,
            )
            media_src = Path(tmp) / "media"
            if media_src.exists():
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    shutil.rmtree(media)
                shutil.copytree(media_src, media)
        self.stdout.write(self.style.SUCCESS(f"Restored {source}"))
