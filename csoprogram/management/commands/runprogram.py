"""Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.

The demo runs as production does, on plain HTTP on this machine: DEBUG off
(friendly error pages, static files with hashed names served by WhiteNoise),
no redirect to HTTPS, cookies that work over HTTP. Links in e-mails point at
the address it serves on. Any of these set in the environment wins.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]")  # noqa: S104 - names, not a bind


def demo_secret_key(var_dir) -> str:
    """A key of this machine's own, kept in var/ (never in git) so sessions
    survive a restart."""
    path = var_dir / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def split_addr(addr: str) -> tuple[str, str]:
    """runserver's address: "8000", "127.0.0.1:8000" or "[::1]:8000"."""
    host, _, port = addr.rpartition(":")
    return host or "127.0.0.1", port


def site_url_for(addr: str, allowed_hosts: list[str]) -> str:
    """The address people open: the server's own, or for a server listening
    on every interface the first host name the site answers to."""
    host, port = split_addr(addr)
    if host in WILDCARD_HOSTS:
        names = [h for h in allowed_hosts if h not in LOCAL_HOSTS and h != "*" and h[:1] != "."]
        host = names[0] if names else socket.getfqdn()
    return f"http://{host}:{port}"


def demo_environment(addr: str, environ: dict[str, str], var_dir) -> dict[str, str]:
    """The environment of web, worker and beat (and of collectstatic)."""
    env = dict(environ)
    env.setdefault("DEBUG", "False")
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = demo_secret_key(var_dir)
    # Plain HTTP on this machine: no TLS to redirect to, cookies sent over HTTP.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        env.setdefault(name, "False")
    host = split_addr(addr)[0]
    if "ALLOWED_HOSTS" not in env and host not in (*LOCAL_HOSTS, *WILDCARD_HOSTS):
        env["ALLOWED_HOSTS"] = ",".join((*LOCAL_HOSTS, host))
    allowed = [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    # E-mails are written by the worker and beat, not in a request: they learn
    # the address here, where it is known, unless SITE_URL says otherwise.
    env.setdefault("SITE_URL", site_url_for(addr, allowed))
    return env


class Command(BaseCommand):
    help = "Run web (port 8000), a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        python = sys.executable
        base = str(settings.BASE_DIR)
        # Exactly one beat runs: it is started here and nowhere else.
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "csoprogram",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                "worker@%h",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "csoprogram",
                "beat",
                "--loglevel",
                "INFO",
                "--pidfile",
                "",
            ],
        }
        env = demo_environment(addr, dict(os.environ), settings.BASE_DIR / "var")
        # Static files as web will serve them (with DEBUG off: hashed names and a manifest).
        subprocess.run(  # noqa: S603 - fixed argv
            [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=base,
            env=env,
            check=True,
        )
        procs: dict[str, subprocess.Popen] = {}
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(cmd, cwd=base, env=env)  # noqa: S603 - fixed argv
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCSO Program is running at {env['SITE_URL']}/ (web pid {procs['web'].pid}, "
                f"worker pid {procs['worker'].pid}, beat pid {procs['beat'].pid}).\n"
                "Demo logins: ccso, mdo, cso.fleet, head.fleet, analyst.fleet "
                "(see README for all) — password in README. Ctrl-C stops everything.\n"
            )
        )

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping all.")
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
