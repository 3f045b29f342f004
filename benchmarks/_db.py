"""The benchmarks' scratch database: never the dev or test one."""

import sys
from pathlib import Path
from urllib.parse import urlparse

# Without DATABASE_URL the single-figure scripts use a SQLite file under var/ (git-ignored).
SQLITE_DEFAULT = f"sqlite:///{Path(__file__).resolve().parent.parent / 'var' / 'bench.sqlite3'}"


def ensure_database(url: str) -> None:
    """Refuse a PostgreSQL database without 'bench' in its name; create it if missing."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        Path(parsed.path).parent.mkdir(parents=True, exist_ok=True)
        return
    name = parsed.path.lstrip("/")
    if not parsed.scheme.startswith("postgres") or "bench" not in name or name.startswith("test"):
        sys.exit(f"DATABASE_URL must name a scratch PostgreSQL database with 'bench' in it: {url}")
    import psycopg2

    conn = psycopg2.connect(parsed._replace(path="/postgres").geturl())
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}", file=sys.stderr)
    finally:
        conn.close()
