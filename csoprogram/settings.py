"""Settings for CSO Program, read from the environment only (see .env.example).

With nothing set the app runs on SQLite with kombu's filesystem broker, so a
single `make run` starts web, worker and beat on a laptop.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "csp",
    "csoprogram",
    "departments",
    "focusgroups",
    "plans",
    "metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, already compressed and cached for a year.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (an HTML page is about a quarter of its size gzipped).
    # Compression can leak secrets in a page to an attacker who can inject text
    # into it and watch the sizes (BREACH). Django's GZipMiddleware adds random
    # bytes to each response ("Heal The Breach") and masks the CSRF token anew in
    # every response; the session id is only ever in a cookie, never in a page.
    "django.middleware.gzip.GZipMiddleware",
    "csoprogram.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After authentication: pages for a signed-in person are `private, no-store`.
    "csoprogram.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a lockout answer is built after authentication ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csoprogram.urls"
WSGI_APPLICATION = "csoprogram.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csoprogram.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file in `make run`: wait for the
    # write lock instead of failing, and take it at the start of a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL's JIT compiles any query its planner thinks costly: the
    # program-wide pages' per-metric subqueries cross that line at a few hundred
    # departments and spent ~90 ms of ~125 ms compiling. Short OLTP queries
    # never gain from it; DATABASE_JIT=True leaves the server's setting.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered fragments (the outcomes dashboard's department cards) are cached in
# each process, keyed by their content, so they are never stale. Django's
# default of 300 entries would not hold both views of a few hundred departments.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

AUTH_USER_MODEL = "departments.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock a username from one address after 10 failures, so an
# attacker cannot lock every account by guessing from one place.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Caches hold the password-reset throttle counters. Default: this process's
# memory; with several web processes use a shared one (redis://…/1).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# People and sign-in (roster, invitations, password reset, single sign-on).
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
# A reset request is answered the same way whatever happens; past these many
# requests an hour, no more e-mails go out for that address / from that address.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=20)

# Single sign-on with OpenID Connect (mozilla-django-oidc): off unless a client
# id is set. Endpoints come from OIDC_OP_* or, when those are empty, from the
# issuer's /.well-known/openid-configuration (fetched on first use).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_CREATE_USER = False  # never an account for a stranger: people are invited
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
SSO_LABEL = env.str("SSO_LABEL", default="City single sign-on")
if OIDC_RP_CLIENT_ID:
    if not (OIDC_ISSUER or OIDC_OP_AUTHORIZATION_ENDPOINT):
        raise ImproperlyConfigured("Single sign-on needs OIDC_ISSUER or the OIDC_OP_* endpoints.")
    AUTHENTICATION_BACKENDS.append("departments.accounts.sso.SingleSignOnBackend")

# The CSO training program: a reminder about each required module not
# completed this many days after the person became a CSO.
TRAINING_REMINDER_DAYS = env.int("TRAINING_REMINDER_DAYS", default=90)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# The program's own settings.
FISCAL_YEAR_START_MONTH = env.int("FISCAL_YEAR_START_MONTH", default=7)
if not 1 <= FISCAL_YEAR_START_MONTH <= 12:
    raise ImproperlyConfigured("FISCAL_YEAR_START_MONTH must be a month number, 1 to 12.")
FOCUS_GROUP_TARGET = env.int("FOCUS_GROUP_TARGET", default=5)
# The reporting calendar: a quarter's metric values are due this many days
# after it ends, and can be changed freely until the grace window closes; then
# the quarter is locked and a correction needs a reason and the CCSO's approval.
METRIC_VALUES_DUE_DAYS = env.int("METRIC_VALUES_DUE_DAYS", default=15)
METRIC_VALUES_GRACE_DAYS = env.int("METRIC_VALUES_GRACE_DAYS", default=30)
# The quarterly narrative locks the same way this many days after its meeting.
NARRATIVE_GRACE_DAYS = env.int("NARRATIVE_GRACE_DAYS", default=0)

STATIC_URL = "static/"
# Where collectstatic writes and WhiteNoise serves from (the image: /app/staticfiles).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = []
# Media holds review packets: it has no public URL. Files are served by
# permission-checked views only.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
if not MEDIA_ROOT.is_absolute():
    MEDIA_ROOT = BASE_DIR / MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Review packets (and memos) are kept through Django's storage API: on local
# disk under MEDIA_ROOT by default; in an S3-compatible bucket (AWS S3, MinIO)
# when STORAGE_URL (s3://bucket/prefix?endpoint_url=http://minio:9000&region=us-east-1)
# or AWS_STORAGE_BUCKET_NAME is set, so that web and workers on different hosts
# share them. Either way they are served only through permission-checked views.
STORAGE_URL = env.str("STORAGE_URL", default="")
_storage_url = urlparse(STORAGE_URL)
if STORAGE_URL and _storage_url.scheme != "s3":
    raise ImproperlyConfigured("STORAGE_URL must be an s3:// address (or unset for local disk).")
_storage_query = parse_qs(_storage_url.query)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default=_storage_url.netloc)
if AWS_STORAGE_BUCKET_NAME:
    _endpoint = env.str("AWS_S3_ENDPOINT_URL", default=_storage_query.get("endpoint_url", [""])[0])
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": env.str("AWS_LOCATION", default=_storage_url.path.strip("/")),
            "endpoint_url": _endpoint or None,
            "region_name": env.str(
                "AWS_S3_REGION_NAME", default=_storage_query.get("region", [""])[0]
            )
            or None,
            # From the environment; boto3's own chain (instance role) when unset.
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # MinIO and most S3-compatible servers want path-style addresses.
            "addressing_style": "path" if _endpoint else None,
            "default_acl": None,  # private objects, the bucket's own policy
            "querystring_expire": 60,
            # Names are content addressed (checksums): the same name, the same bytes.
            "file_overwrite": True,
        },
    }

# E-mail: EMAIL_URL such as smtp+tls://user:pass@host:587, consolemail://, filemail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email.get("EMAIL_BACKEND") == "django.core.mail.backends.filebased.EmailBackend":
    _email["EMAIL_FILE_PATH"] = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CSO Program <cso-program@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# Celery. Without CELERY_BROKER_URL, kombu's filesystem transport under var/
# lets a real worker and beat run with no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Above the longest task's hard time limit, so Redis does not hand a
    # running task to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Review packets: a build refreshes its heartbeat every PACKET_HEARTBEAT_SECONDS;
# one whose heartbeat is older than PACKET_BUILD_LEASE_SECONDS lost its process
# (a killed worker) and is taken over by another. A ready packet whose data
# changed is rebuilt once the changes settled for PACKET_REBUILD_DEBOUNCE_SECONDS.
PACKET_HEARTBEAT_SECONDS = env.int("PACKET_HEARTBEAT_SECONDS", default=5)
PACKET_BUILD_LEASE_SECONDS = env.int("PACKET_BUILD_LEASE_SECONDS", default=30)
PACKET_REBUILD_DEBOUNCE_SECONDS = env.int("PACKET_REBUILD_DEBOUNCE_SECONDS", default=5 * 60)
if PACKET_BUILD_LEASE_SECONDS < 3 * PACKET_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "PACKET_BUILD_LEASE_SECONDS must be at least three heartbeats (PACKET_HEARTBEAT_SECONDS)."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Fail fast when the broker is away: the outbox sends the work later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # People's own named tokens (profile page); admin-issued tokens still work.
        "departments.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The schema says every status an operation answers (metrics/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "metrics.api.schema.ApiAutoSchema",
    # A refused program rule (RuleError) answers 400 naming its field, 409 for a conflict.
    "EXCEPTION_HANDLER": "metrics.api.errors.api_exception_handler",
    # The browsable API needs inline scripts, which the CSP forbids outside development.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "metrics.api.pagination.CheckedLimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSO Program API",
    "DESCRIPTION": "Departments, customer service plans, metrics and metric values.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "metrics.api.schema.path_ids_without_pattern",
    ],
}

# Production hardening; on when DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Secure cookies follow DEBUG; the demo and local tests over plain HTTP turn them off.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# HSTS (sent over HTTPS only): a year when DEBUG is off. includeSubDomains and
# preload reach beyond this site (every *.city.gov host, and browsers' built-in
# lists that take months to leave), so the city opts in to each.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# check --deploy warns when those two are off; off is the deliberate default here.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the program never uses are switched off for every page
# (Permissions-Policy header, csoprogram/middleware.py).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "fullscreen": ["self"],
}


def _default_site_url() -> str:
    """Where links in e-mails point when SITE_URL is not set. E-mails are built
    by the worker and beat, away from any request (and a request's Host header
    is the client's to choose), so the address comes from configuration: the
    first host name the site answers to, over HTTPS when HTTP is redirected;
    the development server's address while DEBUG is on or with no real name.
    `manage.py runprogram` (make run) sets SITE_URL to the address it serves on."""
    names = [h for h in ALLOWED_HOSTS if h not in ("localhost", "127.0.0.1", "[::1]", "*")]
    names = [h for h in names if not h.startswith(".")]
    if DEBUG or not names:
        return "http://127.0.0.1:8000"
    return f"{'https' if SECURE_SSL_REDIRECT else 'http'}://{names[0]}"


# Absolute address of the site, for links in e-mails.
SITE_URL = env.str("SITE_URL", default=_default_site_url()).rstrip("/")

# Content-Security-Policy on every response: scripts only from this site, never
# inline or eval'd (htmx and Bootstrap are served from static/). Styles allow
# inline because server-rendered SVG charts carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
