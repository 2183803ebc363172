"""Settings for the customer back office, driven by environment variables.

Production-safe by default: debug is off unless `DJANGO_DEBUG=1` (which `make run` sets), and
then `DJANGO_SECRET_KEY` is required. `manage.py check --deploy` is clean with production env vars.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from ecommerce_admin.db_timeouts import postgres_options, timeout_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# With debug off and no key, nothing may serve: the WSGI/ASGI entry points (gunicorn,
# runserver) refuse to load and `check --deploy` reports ecommerce_admin.E001. Commands that
# neither sign nor serve (`makemigrations --check`, `migrate`) still work; such a process gets
# a throwaway random key, because libraries read SECRET_KEY while loading.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if SECRET_KEY_MISSING:
    SECRET_KEY = secrets.token_urlsafe(50)
elif not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ecommerce_admin.apps.BackOfficeAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "csp",
    "corsheaders",
    "ecommerce_admin.apps.EcommerceAdminConfig",
    "customers",
    "sales",
    "analytics",
    "audit",
    "jobs",
    "privacy",
]

# Sessions, session auth and messages serve the admin only: their ecommerce_admin
# .admin_middleware versions pass /api/ requests straight through (token auth, no cookies).
# CSRF keeps Django's own class (check --deploy looks for it; API views are exempt anyway).
MIDDLEWARE = [
    # First: it must answer preflights and decorate every answer, including those of the
    # middlewares below that can answer on their own (HTTPS redirect, throttles). API.md §9.6.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ecommerce_admin.security_middleware.SettingsPolicyCSPMiddleware",  # django-csp's, cached
    "ecommerce_admin.middleware.AdminLoginThrottleMiddleware",
    "ecommerce_admin.admin_middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ecommerce_admin.admin_middleware.AuthenticationMiddleware",
    "ecommerce_admin.admin_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecommerce_admin.security_middleware.ApiNoStoreMiddleware",
    "ecommerce_admin.security_middleware.AdminSessionTimeoutMiddleware",
    "audit.middleware.AuditSourceMiddleware",
    # Innermost, so it sees a view's exception before any other middleware's process_exception.
    "ecommerce_admin.db_faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "ecommerce_admin.urls"
WSGI_APPLICATION = "ecommerce_admin.wsgi.application"
# Every route accepts an optional trailing slash (API.md §1), so no redirect dance is needed.
APPEND_SLASH = False

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must survive concurrent requests (API.md §1): WAL lets readers run
    # beside the writer, the busy timeout waits instead of failing with "database is locked", and
    # IMMEDIATE transactions take the write lock up front so two writers never deadlock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_SQLITE_TEST_NAME") or None}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding: values travel apart from the statement text, so psycopg no
    # longer splices them into SQL in Python, and prepares each frequent statement once per
    # connection (after prepare_threshold runs) so PostgreSQL stops parsing it on every request.
    # Plans stay per execution (force_custom_plan): a generic plan cannot see the search term or
    # the offset, and picks a table scan for a deep page or walks the whole list for a rare
    # name (measured: 99 ms instead of 9 at offset 90,000). Issue 17, bench/README.md.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["server_side_binding"] = env_bool("DJANGO_DB_SERVER_SIDE_BINDING", True)
    _pg_options["prepare_threshold"] = int(os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5"))
    _pg_options["options"] = " ".join(
        filter(None, [_pg_options.get("options", ""), "-c plan_cache_mode=force_custom_plan"])
    )

# Database faults (API.md §10, ecommerce_admin/db_timeouts.py): bounded waits on PostgreSQL,
# broken persistent connections discarded (health check on reuse, closed after an outage error),
# and a 503 with Retry-After instead of a 500 while the database cannot be reached.
DB_TIMEOUTS = timeout_settings()
DB_RETRY_AFTER_SECONDS = int(os.environ.get("DJANGO_DB_RETRY_AFTER", "5"))
# A persistent connection reused within this many seconds skips Django's `SELECT 1` health check
# (db_faults.skip_health_check_if_just_used); 0 tests it on every request, as Django does.
DB_HEALTH_CHECK_IDLE_SECONDS = float(os.environ.get("DJANGO_DB_HEALTH_CHECK_IDLE", "1"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgres_options(
        DATABASES["default"].get("OPTIONS", {}), DB_TIMEOUTS
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# Production: DJANGO_CACHE_URL=redis://host:6379/0 selects Django's Redis cache, shared by every
# worker process, whose add/incr are atomic (the login throttle counts there). Without it, a
# per-machine file cache, and the login throttle counts in the database instead.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # An unreachable Redis must fail fast (the throttle then fails open), not hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get(
                "DJANGO_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
            ),
            "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", str(BASE_DIR / ".cache")),
        }
    }
CACHE_IS_SHARED = CACHES["default"]["BACKEND"].endswith(("RedisCache", "PyMemcacheCache"))
# Where the login throttle's atomic counters live: "cache" (needs a shared cache) or "database";
# empty = "cache" when the cache is shared, else "database".
LOGIN_THROTTLE_STORE = os.environ.get("DJANGO_LOGIN_THROTTLE_STORE", "")

# --- Auth and passwords -----------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# Short, ISO-like dates and times in the back office (see ecommerce_admin/formats/en/formats.py).
FORMAT_MODULE_PATH = ["ecommerce_admin.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media"))
# Admin import previews: uploaded files between the preview and the confirm step. A private
# folder (never served), emptied of previews older than the maximum age on each import.
IMPORT_PREVIEW_ROOT = os.environ.get(
    "DJANGO_IMPORT_PREVIEW_ROOT", str(BASE_DIR / ".import-previews")
)
IMPORT_PREVIEW_MAX_AGE_MINUTES = int(os.environ.get("DJANGO_IMPORT_PREVIEW_MAX_AGE_MINUTES", "60"))

# --- Background jobs (API.md §11; Celery, configured from the CELERY_* names below) -----------
# Where the embedded broker keeps its messages (and other runtime state that is not media).
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", str(BASE_DIR / "var")))
# No broker named: kombu's filesystem transport, one message per file in VAR_DIR, which needs no
# server at all (a fresh machine runs `make run` and has background jobs). Production names Redis
# (redis://host:6379/0) or RabbitMQ (amqp://...).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = str(VAR_DIR / "celery-queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    # Redis re-delivers an unacknowledged task after the visibility timeout; the job sweep
    # (jobs.tasks.sweep_stale_jobs) re-queues a dead worker's job long before that.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The job row holds every outcome; Celery's own result store would only duplicate it.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged when it ends, not when it starts, and one worker process takes one job
# at a time: a job never waits behind a long one on a busy process while another process idles.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "jobs")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks (run `celery -A ecommerce_admin beat`, or `worker --beat` on one machine):
# re-queue or fail the jobs of dead workers, delete expired files, carry out scheduled erasures
# (and retention, daily, when DJANGO_RETENTION_DAYS is set: see below).
CELERY_BEAT_SCHEDULE = {
    "jobs-sweep-stale": {
        "task": "jobs.sweep_stale_jobs",
        "schedule": float(os.environ.get("DJANGO_JOB_SWEEP_SECONDS", "30")),
        # A sweep that waited behind a long job is superseded by the next one: drop it.
        "options": {"expires": float(os.environ.get("DJANGO_JOB_SWEEP_SECONDS", "30"))},
    },
    "jobs-delete-expired-files": {
        "task": "jobs.delete_expired_files",
        "schedule": 600.0,
        "options": {"expires": 600.0},
    },
    # API.md §12: scheduled erasures are carried out within an hour after their date.
    "privacy-scheduled-erasures": {
        "task": "privacy.run_scheduled_erasures",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
}
#: Hours a job's file stays downloadable after the job finished.
JOB_FILE_HOURS = float(os.environ.get("DJANGO_JOB_FILE_HOURS", "24"))
#: A running job whose heartbeat is older than this is taken for dead (its worker died).
JOB_STALE_SECONDS = int(os.environ.get("DJANGO_JOB_STALE_SECONDS", "60"))
#: A job still queued this long after its message was sent is sent again (lost message).
JOB_RESEND_SECONDS = int(os.environ.get("DJANGO_JOB_RESEND_SECONDS", "900"))
#: Seconds between a running job's heartbeat/progress writes (at most 5, API.md §11).
JOB_HEARTBEAT_SECONDS = float(os.environ.get("DJANGO_JOB_HEARTBEAT_SECONDS", "1"))
#: Largest import upload (API.md §11: 100 MB).
JOB_IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_JOB_IMPORT_MAX_BYTES", str(100 * 2**20)))

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "shop@example.com")
SHOP_NAME = os.environ.get("SHOP_NAME", "Our Shop")
# What GET /api/settings tells the original admin's date pipe (API.md §9.9).
SHOP_DATE_FORMAT = os.environ.get("SHOP_DATE_FORMAT", "DD/MM/YYYY")  # a moment.js pattern
SHOP_TIME_FORMAT = os.environ.get("SHOP_TIME_FORMAT", "24 hrs")  # "24 hrs" or "12 hrs"

# --- Cross-origin requests (API.md §9.6) --------------------------------------------------------
# Off unless DJANGO_CORS_ALLOWED_ORIGINS lists origins (scheme://host[:port], comma-separated).
# Only /api/ answers cross-origin; never `*`, never credentials (the admin sends a bearer token).
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = False
CORS_ALLOW_CREDENTIALS = False

# Base of absolute links in e-mails (job downloads); else the host a request was made on.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "")

# --- Personal data (API.md §12) ---
# Customers soft-deleted more than this many days ago are erased by a daily periodic task
# (unset: no automatic retention; `manage.py purge_deleted` still works by hand).
RETENTION_DAYS = (
    int(os.environ["DJANGO_RETENTION_DAYS"]) if os.environ.get("DJANGO_RETENTION_DAYS") else None
)
if RETENTION_DAYS is not None:
    CELERY_BEAT_SCHEDULE["privacy-retention"] = {
        "task": "privacy.purge_deleted",
        "schedule": 86400.0,
        "options": {"expires": 3600.0},
    }

# --- Request limits ---------------------------------------------------------------------------
# Bodies beyond these limits are refused with a 413 envelope before any parsing work.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 2**20))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 11000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20

# --- Security (production values whenever debug is off) ----------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for a domain: opt in with DJANGO_SECURE_HSTS_PRELOAD.
    "security.W021",
]

# Content Security Policy (django-csp 4): only our own files, no inline script or style anywhere
# (group colours come from a stylesheet, customers/admin/display.py). The API docs page alone adds
# inline styles for Swagger UI (ecommerce_admin/api/docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Admin sessions: the cookie lives at most the absolute cap; the middleware also ends a session
# idle for longer than the idle timeout (ecommerce_admin/security_middleware.py).
ADMIN_SESSION_IDLE_MINUTES = int(os.environ.get("DJANGO_ADMIN_SESSION_IDLE_MINUTES", "30"))
ADMIN_SESSION_MAX_HOURS = int(os.environ.get("DJANGO_ADMIN_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = ADMIN_SESSION_MAX_HOURS * 3600

# --- Django REST framework ---------------------------------------------------------------------
API_THROTTLE_RATE = os.environ.get("DJANGO_API_THROTTLE", "")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["ecommerce_admin.api.auth.StaffJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["ecommerce_admin.api.permissions.RoutePermission"],
    "DEFAULT_RENDERER_CLASSES": ["ecommerce_admin.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "ecommerce_admin.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # django-filter, skipped when a request sends none of the FilterSet's parameters.
    "DEFAULT_FILTER_BACKENDS": ["ecommerce_admin.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "ecommerce_admin.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "ecommerce_admin.api.exceptions.envelope_exception_handler",
    # `?format=csv` is the exports' CSV switch, not a renderer override (STYLE.md pitfalls).
    "URL_FORMAT_OVERRIDE": None,
    # Datetimes leave the serializers as datetimes: the renderer writes the one format of every
    # answer (ecommerce_admin/api/renderers.py, `format_datetime`).
    "DATETIME_FORMAT": None,
    "DEFAULT_THROTTLE_CLASSES": (
        ["ecommerce_admin.api.throttling.ApiUserThrottle"] if API_THROTTLE_RATE else []
    ),
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("DJANGO_LOGIN_THROTTLE", "10/min"),
        "api_user": API_THROTTLE_RATE or None,
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles key on REMOTE_ADDR; DRF's default (None) trusts any client-sent X-Forwarded-For,
    # which lets a client dodge the login throttle. Behind N trusted proxies set it to N.
    "NUM_PROXIES": int(os.environ.get("DJANGO_NUM_PROXIES", "0")),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(os.environ.get("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(os.environ.get("JWT_REFRESH_DAYS", "1"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    # A dedicated key, so rotating SECRET_KEY (sessions) and the JWT key are separate decisions.
    "SIGNING_KEY": os.environ.get("JWT_SIGNING_KEY", SECRET_KEY),
    "AUDIENCE": "customer-back-office",
    "ISSUER": "customer-back-office",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_AUTHENTICATION_RULE": "ecommerce_admin.api.auth.is_active_staff",
    # Tokens carry a digest of the password hash: a password changed without the model's save()
    # (a queryset update) still ends every login; the save() path revokes them explicitly.
    "CHECK_REVOKE_TOKEN": True,
}
# A login (token family) ends this long after it started, however often it is refreshed.
JWT_SESSION_MAX_HOURS = int(os.environ.get("JWT_SESSION_MAX_HOURS", "24"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Customer Back Office API",
    "DESCRIPTION": (
        "The Manage Customers API. Every JSON response is an envelope "
        '`{"status": 1|0, "message": str, "data": ...}`; validation errors are 422 with `errors`. '
        "Every datetime in an answer is UTC with microseconds and `Z`: "
        "`2026-11-26T21:02:25.123456Z`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api",
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ecommerce_admin.api.schema.document_datetimes",
    ],
}

# --- Logging: errors go to stderr with their traceback; clients never see it -----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # Django's default config gives the `django` logger its own console handler (debug only) and
    # lets records propagate to the root's as well: with debug on, each 4xx/5xx was printed
    # twice. Here `django` records reach the root handler only (runserver's access lines keep
    # their own `django.server` logger).
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
