"""Back up the database (pg_dump custom format) and the media files into one
timestamped .tar archive; `restore` puts both back."""

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


class Command(BaseCommand):
    help = "Write var/backups/cso-<timestamp>.tar with the database dump and media files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Archive path (default: var/backups/cso-<timestamp>.tar)"
        )

    def handle(self, *args, output=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups use pg_dump: set DATABASE_URL to a PostgreSQL database.")
        db = connection.settings_dict
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"cso-{stamp}.tar"
        path.parent.mkdir(parents=True, exist_ok=True)
        env, conn_args = pg_env_and_args(db)
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / "database.dump"
            subprocess.run(  # noqa: S603 - fixed argv, no shell
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--format",
                    "custom",
                    "--no-owner",
                    "--file",
                    str(dump),
                    *conn_args,
                    str(db["NAME"]),
                ],
                env=env,
                check=True,
            )
            partial = path.with_suffix(".tar.partial")
            with tarfile.open(partial, "w") as tar:
                tar.add(dump, arcname="database.dump")
                media = Path(settings.MEDIA_ROOT)
                if media.exists():
                    tar.add(media, arcname="media")
                info = tarfile.TarInfo("BACKUP-INFO")
                text = f"created {stamp}\ndatabase {db['NAME']}\n".encode()
                info.size = len(text)
                tar.addfile(info, io.BytesIO(text))
            partial.rename(path)  # never leave a half-written archive under the final name
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
