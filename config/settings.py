"""Hindsight settings.

Everything that differs between a laptop and production comes from the environment:
SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASE_URL (SQLite when unset) and the HINDSIGHT_* knobs below.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.email_url import email_settings
from core.env import behind_pgbouncer, cache_settings, env_bool, env_int, env_list, storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def alert_severity_words(defaults, overrides, overrides_file):
    """Alert `severity` label words (lower-case) → SEV level 1–4: the defaults, then a JSON file of
    {"word": level}, then `word=level,word=level` from the environment, each replacing what came before."""
    words = {word: level for level, level_words in defaults.items() for word in level_words}
    pairs = []
    if overrides_file:
        try:
            pairs += list(json.loads(Path(overrides_file).read_text()).items())
        except (OSError, ValueError, AttributeError) as error:
            raise ImproperlyConfigured(
                f"HINDSIGHT_ALERT_SEVERITY_FILE must name a JSON object of word → level (1-4): {error}"
            ) from None
    for item in filter(None, (part.strip() for part in overrides.split(","))):
        word, _, level = item.partition("=")
        pairs.append((word, level))
    for word, level in pairs:
        if str(level).strip() not in {"1", "2", "3", "4"} or not str(word).strip():
            raise ImproperlyConfigured(
                f"Alert severity mapping: {word!r} → {level!r} is not word=level with a level of 1, 2, 3 or 4 "
                "(HINDSIGHT_ALERT_SEVERITIES / HINDSIGHT_ALERT_SEVERITY_FILE)."
            )
        words[str(word).strip().lower()] = int(str(level).strip())
    return words


DEBUG = env_bool("DEBUG", default=False)
# Production mode is anything not explicitly in DEBUG: it must be given a real key.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and not env_bool("PRODUCTION"):
    SECRET_KEY = _DEV_SECRET_KEY
if env_bool("PRODUCTION") and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("PRODUCTION=1 needs a real SECRET_KEY of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "markdownx",
    "incidents",
    "postmortems",
    "reviews",
    "runbooks",
    "documents",
    "references",
    "search",
    "insights",
    "dashboard",
    "perf",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "notifications",  # before accounts: its permissions must exist when accounts syncs the role groups
    "meetings",  # likewise
    "accounts",
    "transfer",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (the CSP allows no CDN)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, with the policy built once
    "core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Benchmark runs only: add the bare "hello" reference view (perf.bench_urls). Never set this in production.
if env_bool("HINDSIGHT_BENCH"):
    ROOT_URLCONF = "perf.bench_urls"

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

# Django's form renderer, with <select> built in Python (long lists of services and people stay cheap).
FORM_RENDERER = "core.form_renderer.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn threads share one file: wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# DATABASE_URL points at PgBouncer in transaction mode: no server-side cursors, no prepared statements (README
# "PgBouncer in transaction mode"; tests/scaling/test_pgbouncer.py runs the site through a real one).
if env_bool("DATABASE_PGBOUNCER"):
    DATABASES["default"] = behind_pgbouncer(DATABASES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked out for AXES_COOLOFF_TIME and gets templates/429.html. A correct login resets the count.
# Then Django's ModelBackend, as accounts.backends.CachedModelBackend: it finds the signed-in person through the
# shared cache (HINDSIGHT_USER_CACHE below). A session records the backend that signed it in, so sessions
# made under the plain ModelBackend before this setting sign in again once.
AUTHENTICATION_BACKENDS = [
    "core.login_throttle.HttpLoginThrottleBackend",
    "accounts.backends.CachedModelBackend",
]
AXES_ENABLED = env_bool("HINDSIGHT_LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("HINDSIGHT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HINDSIGHT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images: MEDIA_ROOT on this machine, or an S3-compatible bucket shared by every node when S3_BUCKET is set
# (S3_ENDPOINT_URL, S3_REGION, S3_PREFIX, S3_ADDRESSING_STYLE; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). README
# "Scaling out".
STORAGES = {
    "default": storage_settings(os.environ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("PRODUCTION")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# whitenoise serves static files in every mode, so the site never shows up unstyled: from the collected, hashed
# files in production, straight from the source folders otherwise (`runserver` with or without DEBUG, tests).
WHITENOISE_USE_FINDERS = not env_bool("PRODUCTION")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Markdown editing: uploads are images only, small, renamed at random.
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
# Every Markdown render (live preview included) goes through markdown-it-py: linear time, then nh3.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "documents.markdown.render_preview"
# Turns INC-12, [[Runbook title]], runbook:slug and @username in Markdown into links (see documents.markdown).
HINDSIGHT_REFERENCE_RESOLVER = "references.resolving.resolve_references"
# Live previews (markdownx's markdownify, the blameless check) per person per minute; beyond it a 429.
HINDSIGHT_PREVIEW_RATE_PER_MINUTE = int(os.environ.get("HINDSIGHT_PREVIEW_RATE_PER_MINUTE", "60"))

# --- Hindsight's own knobs -------------------------------------------------------------------
# Response targets per severity: acknowledge within this long of detection.
HINDSIGHT_RESPONSE_TARGETS = {
    1: timedelta(minutes=int(os.environ.get("HINDSIGHT_SEV1_TARGET_MINUTES", "15"))),
    2: timedelta(minutes=int(os.environ.get("HINDSIGHT_SEV2_TARGET_MINUTES", "30"))),
    3: timedelta(minutes=int(os.environ.get("HINDSIGHT_SEV3_TARGET_MINUTES", "120"))),
    4: timedelta(minutes=int(os.environ.get("HINDSIGHT_SEV4_TARGET_MINUTES", "1440"))),
}
# A postmortem is overdue this long after its incident was resolved.
HINDSIGHT_POSTMORTEM_DUE = timedelta(hours=int(os.environ.get("HINDSIGHT_POSTMORTEM_DUE_HOURS", "48")))
# Approvals (by named reviewers, on the current version) a postmortem needs before it is published; an Editor may
# publish with fewer by giving a reason, which the review history keeps. 0: no approvals needed.
HINDSIGHT_POSTMORTEM_APPROVALS = env_int("HINDSIGHT_POSTMORTEM_APPROVALS", 1, minimum=0)
# Two incidents in the same category and service this close together make a repeat.
HINDSIGHT_REPEAT_WINDOW = timedelta(days=int(os.environ.get("HINDSIGHT_REPEAT_WINDOW_DAYS", "90")))
# Status-update cadence for open incidents, per severity.
HINDSIGHT_UPDATE_CADENCE = {
    1: timedelta(minutes=30),
    2: timedelta(minutes=60),
    3: timedelta(hours=4),
    4: timedelta(hours=24),
}
# The response checklist (incidents/checklist.py): the first status update is due this long after detection, and
# a documented timeline has at least this many entries.
HINDSIGHT_FIRST_UPDATE_WITHIN = timedelta(minutes=env_int("HINDSIGHT_FIRST_UPDATE_MINUTES", 15, minimum=1))
HINDSIGHT_CHECKLIST_MIN_TIMELINE_ENTRIES = env_int("HINDSIGHT_CHECKLIST_MIN_TIMELINE_ENTRIES", 5, minimum=1)
# Drills and game days: each team should practise this many times a quarter.
HINDSIGHT_DRILLS_PER_QUARTER = env_int("HINDSIGHT_DRILLS_PER_QUARTER", 1, minimum=0)
# Restricted incidents are visible to members of this group (and their own people, and superusers).
HINDSIGHT_SECURITY_GROUP = os.environ.get("HINDSIGHT_SECURITY_GROUP", "Security")
HINDSIGHT_ALERTMANAGER_TOKEN = os.environ.get("HINDSIGHT_ALERTMANAGER_TOKEN", "")
# Alerts in (README "Alerts from Prometheus Alertmanager"). A 1,500-alert group is about 1.5 MB of JSON.
HINDSIGHT_ALERTMANAGER_MAX_BYTES = env_int("HINDSIGHT_ALERTMANAGER_MAX_MB", 16, minimum=1) * 1024 * 1024
HINDSIGHT_ALERT_SERVICE_LABELS = env_list(
    "HINDSIGHT_ALERT_SERVICE_LABELS", ["service", "job", "app", "namespace"]
)
HINDSIGHT_ALERT_DEFAULT_SEVERITY = env_int("HINDSIGHT_ALERT_DEFAULT_SEVERITY", 3, minimum=1, maximum=4)
HINDSIGHT_ALERT_SEVERITIES = alert_severity_words(
    {
        1: [
            "critical",
            "crit",
            "page",
            "urgent",
            "emergency",
            "fatal",
            "disaster",
            "p1",
            "sev1",
            "sev-1",
            "1",
        ],
        2: ["high", "major", "error", "p2", "sev2", "sev-2", "2"],
        3: ["warning", "warn", "medium", "moderate", "minor", "p3", "sev3", "sev-3", "3"],
        4: ["info", "informational", "notice", "low", "none", "debug", "p4", "p5", "sev4", "sev-4", "4", "5"],
    },
    overrides=os.environ.get("HINDSIGHT_ALERT_SEVERITIES", ""),
    overrides_file=os.environ.get("HINDSIGHT_ALERT_SEVERITY_FILE", ""),
)
HINDSIGHT_PAGE_SIZE = 25
# Long lists count at most this many rows ("10,000+"); the keyset walk goes on past it.
HINDSIGHT_LIST_COUNT_CAP = 10_000

# --- Notifications (notifications/): background tasks, email, chat -------------------------------------
# Tasks run through django-tasks with its database backend: the queue is a table, `manage.py db_worker` works it
# (`make run` starts one beside the web server). Nothing else is needed, on one machine or several.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# CACHE_URL (or REDIS_URL) = redis://host:6379/0 makes Redis the shared cache of several app nodes: rate limits,
# API throttles and editor presence are then counted once for all of them (the task queue stays in the database).
# Without it each process caches in its own memory, which is right for one node only.
CACHES = cache_settings(os.environ)
SHARED_CACHE = CACHES["default"]["BACKEND"].endswith("RedisCache")
# Insights, Home and the review page are cached under a write-generation key (core/freshness.py); that is exact
# only when every process sees the same cache (Redis), so with per-process memory (several gunicorn workers) they
# are computed every time. The setting's first name (HINDSIGHT_INSIGHTS_CACHE) is still read.
HINDSIGHT_DASHBOARD_CACHE = env_bool(
    "HINDSIGHT_DASHBOARD_CACHE", default=env_bool("HINDSIGHT_INSIGHTS_CACHE", default=SHARED_CACHE)
)
# Sessions read through the shared cache (written through to the database; cached_db, read together with the
# signed-in person: accounts/sessions.py); with per-process memory a logout in one worker would not reach another
# worker's copy, so the plain database sessions stay.
SESSION_ENGINE = "accounts.sessions" if SHARED_CACHE else "django.contrib.sessions.backends.db"
# One-time messages ("Postmortem started.") kept in the session: the default also tries a signed cookie first,
# whose signer is built on every request, message or not.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# The signed-in person (row and permissions) read through the shared cache, voided on every change to them
# (accounts.user_cache); per-process memory cannot see another worker's voiding, so without Redis it is off.
HINDSIGHT_USER_CACHE = env_bool("HINDSIGHT_USER_CACHE", default=SHARED_CACHE)
# Email: EMAIL_URL (smtp://user:password@host:587/?tls=1, smtps://…, console://) or the usual EMAIL_* variables.
# With neither, messages are written to the console and still listed on the Outbox.
globals().update(email_settings(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hindsight <hindsight@localhost>")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Links in emails, chat messages and calendars point here.
HINDSIGHT_BASE_URL = os.environ.get("HINDSIGHT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# A failed delivery is retried after these pauses, then marked failed.
HINDSIGHT_NOTIFICATION_RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
# Seconds a chat service may take to accept a connection and to answer.
HINDSIGHT_CHAT_TIMEOUT_SECONDS = int(os.environ.get("HINDSIGHT_CHAT_TIMEOUT_SECONDS", "5"))
# More new reminders than this for one person in one run go out as one message.
HINDSIGHT_REMINDER_BATCH = int(os.environ.get("HINDSIGHT_REMINDER_BATCH", "5"))
# The daily digest (for people who chose it) goes out at this hour, server time.
HINDSIGHT_DAILY_DIGEST_HOUR = int(os.environ.get("HINDSIGHT_DAILY_DIGEST_HOUR", "8"))

# --- JSON API (api/): personal tokens or the session, the person's role, a rate per token -----------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",  # first: an anonymous request gets 401, not 403
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Requests per minute for one token (or one person's session); beyond it a 429 with Retry-After.
HINDSIGHT_API_RATE_PER_MINUTE = env_int("HINDSIGHT_API_RATE_PER_MINUTE", 240, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Hindsight API",
    "DESCRIPTION": (
        "Incidents, action items, postmortems, runbooks, services and categories. Authenticate with a personal "
        "token (`Authorization: Bearer <token>`, created on your API tokens page); you may do what your role "
        "allows on the site."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI puts them inside its operation buttons (axe: nested-interactive, target-size).
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": False,
        "persistAuthorization": False,
        "displayRequestDuration": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SeverityEnum": "incidents.models.Severity",
        "DeclarableSeverityEnum": "api.serializers.DECLARABLE_SEVERITIES",
        "IncidentStatusEnum": "incidents.models.Status",
        "TimelineEntryKindEnum": "incidents.models.TimelineEntry.Kind",
        "WritableTimelineEntryKindEnum": "api.serializers.WRITABLE_TIMELINE_KINDS",
        "StatusUpdateKindEnum": "incidents.models.StatusUpdate.Kind",
        "ActionItemKindEnum": "postmortems.models.ActionItem.Kind",
        "ActionItemStatusEnum": "postmortems.models.ActionItem.Status",
        "PostmortemStatusEnum": "postmortems.models.Postmortem.Status",
    },
}

# --- Production hardening (PRODUCTION=1) --------------------------------------------------------
if env_bool("PRODUCTION"):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Scripts that post (postmortems.js, markdownx's preview) read the token from the page's form, not the cookie.
CSRF_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp), in every mode so browser tests see what production sends: scripts and
# style sheets only from our own origin (no inline <script>, no on*= handlers, no <style> blocks); style
# *attributes* are allowed (charts size bars with them; they cannot run code); images may be data: URIs
# (markdownx previews); nothing may frame the site or receive its forms.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Uploads (markdownx images): refuse big request bodies early; files on disk readable by the server only.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MARKDOWNX_UPLOAD_MAX_SIZE
FILE_UPLOAD_PERMISSIONS = 0o640

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_client_errors": {"()": "core.logging.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_traceback_for_client_errors"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
