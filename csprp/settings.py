"""Settings for the csprp service, read from the environment (see shared interfaces: configuration).

With nothing set the service runs on one machine with no servers: SQLite under var/, Celery on
kombu's filesystem transport under var/celery/, and a file-based cache. DATABASE_URL and REDIS_URL
switch to PostgreSQL and Redis.
"""

import datetime
import os
from pathlib import Path

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# pytest sets PYTEST_VERSION for the length of a run (and the processes it starts inherit it). A test run
# is not a deployment, though it runs with DEBUG off: it may use the development key and plain HTTP.
TESTING = "PYTEST_VERSION" in os.environ
# Only a development default: every deployment sets its own SECRET_KEY, and with DEBUG off the service
# refuses to start without one, so a live service can never sign sessions with a key published here.
_DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105  refused below
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY)
if SECRET_KEY in ("", _DEV_SECRET_KEY) and not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "SECRET_KEY is unset or the development key while DEBUG is off: set SECRET_KEY to a long random value "
        "(or DEBUG=true on a development machine)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_fsm",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_structlog",
    "csp",
    "govuk_frontend_django",
    "organisations",
    "audit",
    "deadlines",
    "incidents",
    "reviews",
    "letters",
    "notices",
    "casefile",
    "reports",
    "web",
    "health",
    # The benchmarks' own commands (bench_measure); nothing of theirs runs unless asked.
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed when the client takes gzip: a page of cases' JSON, the same field
    # names row after row, shrinks to a small part of its size. Below WhiteNoise, which serves static files
    # compressed ahead of time; above everything that writes a response body, so it compresses what they
    # wrote. Against BREACH, Django pads each compressed response with random bytes (GZipMiddleware, Django
    # 4.2+) and masks the CSRF token afresh on every page.
    "django.middleware.gzip.GZipMiddleware",
    # Wraps everything below: a database lost mid-request is a 503 with Retry-After, not a 500.
    "health.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who needs a second factor (organisations.rules.needs_second_factor) reaches nothing else until they give one.
    "django_otp.middleware.OTPMiddleware",
    "organisations.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csprp.urls"
WSGI_APPLICATION = "csprp.wsgi.application"
ASGI_APPLICATION = "csprp.asgi.application"

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
                "web.context_processors.service",
            ],
        },
    },
]

# Database ----------------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file in the embedded setup: wait for locks instead of
    # failing, and take the write lock at the start of a transaction so two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
# Who may do what is declared once, as django-rules predicates in each app's rules.py.
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in security (issue 13). Ten wrong passwords for one email address lock it for an hour (or until an
# administrator unlocks it in the admin); counted by email address, not by IP address, so that an attacker
# moving between addresses gains nothing, and so that an address that has no account locks just the same.
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes warns when addresses are not counted too. Counting by username alone is deliberate: a council's
# staff share one outgoing address, and ten mistakes among them must not lock them all out. Rotating user agents
# or cookies gains nothing when the count is by email address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=60))
# A locked account stays locked for the cool-off from its tenth failure, not from the latest try, so the page
# can say how long to wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "organisations.views.sign_in_email"
AXES_LOCKOUT_CALLABLE = "organisations.views.locked_out"
# Two-factor authentication (django-otp): an authenticator app's 6-digit codes, and single-use recovery codes.
# After each wrong code the next is not even checked for 2^(n-1) seconds (n wrong codes in a row): 10 wrong
# codes cost 8.5 minutes, 20 cost six days.
OTP_TOTP_ISSUER = "CSPRP"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Administrators see and remove people's apps and recovery codes in the admin, never their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

# Time: every statutory date is a local date in England.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Files -------------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# GOV.UK Frontend, built from the npm registry's package by `make install` (the Makefile says how).
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
# Uploaded documents are about children: they live outside the web root and are only ever served
# through views that check who may see the case.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG

# Cache and Celery --------------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL", default=None)
CELERY_DATA_DIR = VAR_DIR / "celery"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Shared between the web, worker and beat processes, so not the per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # kombu's filesystem transport: a real broker with no server, one file per message.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
        # Exchange-to-queue tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(CELERY_DATA_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    # Neither kombu nor Celery's file backend creates its folders; every process needs them.
    for _folder in ("queue", "processed", "control", "results"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)

CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "health.tasks.heartbeat", "schedule": 60.0},
    # The reminder engine works out what is due from the database on every pass (notices.services).
    "reminders": {
        "task": "notices.tasks.reminders_pass",
        "schedule": env.float("REMINDERS_EVERY_SECONDS", default=300.0),
    },
}
# The queue workers take tasks from, and beat sends them to; a deployment may name its own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")

# Email ---------------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP server may keep the service waiting; without it a stalled server holds a reminder pass,
# and its claims, for ever (notices.services.CLAIM_TIMEOUT is far longer).
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="csprp@localhost")
# Where people sign in, for the links in what the service sends them.
SERVICE_URL = env("SERVICE_URL", default="http://127.0.0.1:8000/")
# Where people write to the team that runs the service: on every page (phase banner, accessibility statement).
SERVICE_CONTACT_EMAIL = env("SERVICE_CONTACT_EMAIL", default="csprp.service@education.gov.uk")
# The key of the stable pseudonyms that replace case references in analysts' exports (HMAC-SHA256). Exports
# refuse to run without it outside development; changing it changes every pseudonym.
PSEUDONYM_KEY = env("PSEUDONYM_KEY", default=None)
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default=None)
# GOV.UK Notify's email template for everything the service sends: a subject of ((subject)), a body of ((body)).
NOTIFY_TEMPLATE_ID = env("NOTIFY_TEMPLATE_ID", default="")

# API -----------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so a request without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON and urlencoded bodies held to DATA_UPLOAD_MAX_MEMORY_SIZE, JSON to a nesting depth (as multipart is).
    # JSON, or multipart where a document travels with its details; a urlencoded form carries no file.
    "DEFAULT_PARSER_CLASSES": [
        "organisations.parsers.BoundedJSONParser",
        "organisations.parsers.StrictMultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "incidents.api_schema.CaseApiSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "incidents.workflow.api_exception_handler",
    # Requests a minute, per person (by API token or session) and per address for requests without one; over
    # the rate the API answers 429 with Retry-After. Counted in the cache (Redis when REDIS_URL is set).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_RATE_USER", default="600/minute"),
        "anon": env("API_RATE_ANON", default="60/minute"),
    },
}
# django-rest-knox keeps only a SHA-512 digest of each API token; the token itself is shown once.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # A token stops working this many days after it is made; its owner revokes it sooner on the tokens page.
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Child Safeguarding Practice Review Panel case service API",
    "DESCRIPTION": "Serious incident notifications, rapid reviews, Panel letters and local reviews.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Uploads are binary in requests (a file picker in the docs), distinct from the JSON that describes them.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "incidents.api_schema.query_parameters_as_served",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per code list of the data standard, however many fields use it.
    "ENUM_NAME_OVERRIDES": {
        "ReasonEnum": "incidents.codes.Reason",
        "TriStateEnum": "incidents.codes.TriState",
        "HistoryEnum": "incidents.codes.History",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "DeadlineKindEnum": "deadlines.models.Deadline.Kind",
        "DeadlineStatusEnum": "deadlines.models.Deadline.Status",
        "OrganisationKindEnum": "organisations.models.Organisation.Kind",
        "RapidReviewStatusEnum": "reviews.models.RapidReview.Status",
        "LcsprStatusEnum": "reviews.models.Lcspr.Status",
        "RecommendationStatusEnum": "reviews.models.Recommendation.Status",
        "PauseReasonEnum": "reviews.models.LcsprPause.Reason",
        "LetterKindEnum": "letters.models.Letter.Kind",
        "LetterStatusEnum": "letters.models.Letter.Status",
        "PanelPositionEnum": "incidents.codes.PanelPosition",
        "NationalReviewEnum": "incidents.codes.NationalReview",
        "QualityThemeEnum": "incidents.codes.QualityTheme",
        "PracticeThemeEnum": "incidents.codes.PracticeTheme",
    },
}

# Security ------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# Signed out after 30 minutes without a request: every request starts the 30 minutes again.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content security policy (django-csp): everything from the service itself, no inline script or style
# (the pages have none: GOV.UK Frontend's script is a file, and the charts' SVG carries presentation
# attributes, not styles), no plugins, no framing, forms posted only to the service.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Load balancers probe /healthz over plain HTTP from inside the network; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: browsers are told to use nothing else for a year (HSTS), and plain HTTP is redirected.
    # A proxy that terminates TLS must send X-Forwarded-Proto, or do the redirect itself and set
    # SECURE_SSL_REDIRECT=false. The test client speaks plain HTTP: tests redirect only when they ask to.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)

# Logging: one structured line per event, JSON outside DEBUG, with the request id and user id that
# django-structlog binds. Nothing identifying a child is ever passed to a logger; the redaction
# processor is a second line of defence for fields that must never reach a log.

REDACTED_LOG_KEYS = frozenset({"first_name", "last_name", "full_name", "child_name", "names", "password", "token"})


def redact_personal_fields(logger, method_name, event_dict):
    """Replace the value of any key that could carry a child's name or a secret."""
    for key in REDACTED_LOG_KEYS.intersection(event_dict):
        event_dict[key] = "[redacted]"
    return event_dict


_structlog_pre_chain = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    redact_personal_fields,
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.dev.ConsoleRenderer(colors=False) if DEBUG else structlog.processors.JSONRenderer(),
            ],
            "foreign_pre_chain": _structlog_pre_chain,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_structlog": {"level": "INFO"},
        # WeasyPrint narrates every step of every letter it lays out.
        "weasyprint": {"level": "WARNING"},
    },
}

structlog.configure(
    processors=[
        *_structlog_pre_chain,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_USER_ID_FIELD = "pk"

# Service levels ------------------------------------------------------------------------------------

# Working days the Panel allows itself to answer a rapid review (a service level, not statute).
PANEL_RESPONSE_WORKING_DAYS = env.int("PANEL_RESPONSE_WORKING_DAYS", default=15)

# Largest document a person may upload (a rapid review, a final report, an offline notification).
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=25) * 1024 * 1024
# Refused as the body arrives (incidents.uploads), before Django's own handlers write any of it to disk.
FILE_UPLOAD_HANDLERS = [
    "incidents.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# clamd scans every upload before it is stored when set: tcp://host:port or unix:///path/to/clamd.ctl
# (incidents.virus_scan). clamd's StreamMaxLength must be at least DOCUMENT_MAX_MB.
CLAMAV_URL = env("CLAMAV_URL", default=None)
CLAMAV_TIMEOUT_SECONDS = env.float("CLAMAV_TIMEOUT_SECONDS", default=60.0)

# Retention: how long each kind of record is kept before `manage.py purge` removes it (casefile.retention).
# UK GDPR Article 5(1)(e): personal data is kept no longer than its purpose needs; each period says why.
# A case (everything recorded about it, its documents included), counted from the last thing done on it.
# A child's claim for injury may be brought until three years after they turn 18 (Limitation Act 1980,
# ss. 11 and 28), so up to 21 years after an incident in infancy; 25 years outlasts that and the reviews
# and inquiries that draw on a case. The Independent Inquiry into Child Sexual Abuse (final report, 2022)
# recommended 75 years for records about child sexual abuse: a records officer applying that sets 75.
CASE_RETENTION_YEARS = env.int("CASE_RETENTION_YEARS", default=25)
# A reminder or message once sent (or given up): what it said is on the case's timeline; the row shows who
# was told and when, for questions about a missed deadline in this reporting year or the last.
NOTICE_RETENTION_DAYS = env.int("NOTICE_RETENTION_DAYS", default=2 * 365)
# The access log: six years, the Limitation Act 1980's period for most claims (ss. 2 and 5), after the year
# in which the access was made.
ACCESS_LOG_RETENTION_YEARS = env.int("ACCESS_LOG_RETENTION_YEARS", default=7)
# An API token after it expired: what it was used for is in the access log; the token's row (a digest, its
# owner and dates) is kept a quarter for an investigation of its use. A revoked token is deleted at once.
API_TOKEN_RETENTION_DAYS = env.int("API_TOKEN_RETENTION_DAYS", default=90)
# Sign-in attempts (django-axes): a year of failures and lockouts, for the yearly review of attacks on accounts.
SIGN_IN_ATTEMPT_RETENTION_DAYS = env.int("SIGN_IN_ATTEMPT_RETENTION_DAYS", default=365)
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is a record; changes go through the services
