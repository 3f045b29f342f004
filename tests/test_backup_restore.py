"""Restore drill: dump the database, restore it into a scratch database, count rows."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from tests.conftest import require_service


def _counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        tables = [
            t for t in conn.introspection.table_names(cursor) if not t.startswith("django_session")
        ]
        result = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from introspection
            result[table] = cursor.fetchone()[0]
        return result


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_scratch_database_with_the_same_row_counts(
    tmp_path, settings, personas
):
    require_service(connection.vendor == "postgresql", "PostgreSQL (backups use pg_dump)")
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "packets").mkdir(parents=True)
    (settings.MEDIA_ROOT / "packets" / "fleet.pdf").write_bytes(b"%PDF-1.7 drill")
    archive = tmp_path / "drill.tar"
    call_command("backup", output=str(archive))
    assert archive.exists()

    original = _counts(connection)
    scratch = f"cso_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
        ),
        MEDIA_ROOT=str(tmp_path / "restored-media"),
    )
    try:
        # The restore runs as an operator would run it, against the scratch database.
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(archive), "--noinput"],
            cwd=django_settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        handler = ConnectionHandler({"default": dict(db, NAME=scratch)})
        try:
            restored = _counts(handler["default"])
        finally:
            handler["default"].close()
        assert restored == original
        assert sum(restored.values()) > 0
        assert (
            tmp_path / "restored-media" / "packets" / "fleet.pdf"
        ).read_bytes() == b"%PDF-1.7 drill"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    assert (
        subprocess.run(["tar", "tf", str(archive)], capture_output=True, text=True).stdout.count(
            "database.dump"
        )
        == 1
    )
