"""Settings for the alliance portal, all read from the environment.

With no environment at all the portal runs on embedded defaults (SQLite under var/,
Celery tasks executed eagerly, e-mail printed to the console, DEBUG on) so a newcomer
can start it with nothing but Python. Production sets DATABASE_URL, CELERY_BROKER_URL
(or REDIS_URL), DJANGO_SECRET_KEY, DJANGO_DEBUG=false, DJANGO_ALLOWED_HOSTS and EMAIL_URL.
See docs/operations.md for every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# A fixed development key is only acceptable while DEBUG is on; production must set one.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "alliance_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, found by TemplatesSetting (FORM_RENDERER below).
    "django.forms",
    "django_fsm",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "audit.axes_app.LockoutsConfig",  # django-axes, named in Chinese in the admin
    # Before accounts: accounts.admin unregisters their admin pages (they show secrets).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The public open-data API (portal.api, docs/api.md) and its documentation page,
    # whose Swagger UI assets the sidecar serves from /static/ (no CDN).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "core",
    "policy",
    "accounts",
    "filings",
    "supervision",
    "subsidies",
    "portal",
    "demo",
]

MIDDLEWARE = [
    # Audit entries written during the request carry the client's address (audit.models).
    "core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.elder_mode (适老化, accounts.preferences) and its cookie kept in step.
    "accounts.middleware.ElderModeMiddleware",
    # Until the second factor is given, only the enrol and code pages, logout and the
    # language switch answer (docs/security.md).
    "accounts.middleware.TwoFactorMiddleware",
    # The security auditor reaches the log screens and their own account's pages only.
    "accounts.middleware.AuditorScopeMiddleware",
    "core.middleware.RejectNullBytesMiddleware",
    "core.middleware.DownloadAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # Last: it watches the authentication the other middleware let through (等保2.0 lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance_portal.urls"
WSGI_APPLICATION = "alliance_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "core.context_processors.idle_warning",
                "policy.context_processors.policy",
                "filings.context_processors.memberships",
            ],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/widgets/
# select_option.html can say （请选择） where Django prints "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (a new PostgreSQL connection per request costs
# ~20 ms, measured in docs/benchmarks.md); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "DJANGO_TEST_DATABASE_NAME", default="test_alliance_portal"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's rule with a message in Chinese (accounts.passwords).
        "NAME": "accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# django-filter's empty choice of every list filter: "all", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The second: Django's own wording for the few messages DRF translates differently
# (locale_overrides/zh_Hans/LC_MESSAGES/django.po says why).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded materials are private: they have no URL and are served only through views
# that check the same permissions as the record they belong to.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640


def _s3_storage(bucket_name: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": env.str("PORTAL_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("PORTAL_S3_ACCESS_KEY", default=None),
            "secret_key": env.str("PORTAL_S3_SECRET_KEY", default=None),
            "region_name": env.str("PORTAL_S3_REGION", default=None),
            # Private objects: served only through the portal's permission-checked views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


# Several web and worker hosts share uploads through S3-compatible object storage.
if env.str("PORTAL_MEDIA_STORAGE", default="local") == "s3":
    STORAGES["default"] = _s3_storage(env.str("PORTAL_S3_BUCKET"))

# --- Audit chain (audit.chain, audit.checkpoints; docs/operations.md, "Audit log") -------
# The chain is sealed with HMAC-SHA256 under a key that lives in the environment, never in
# the database: whoever can rewrite the tables cannot re-seal them. A fixed key is only
# acceptable while DEBUG is on; production without one fails the system check (audit.E001).
AUDIT_CHAIN_KEY = env.str(
    "PORTAL_AUDIT_CHAIN_KEY", default="dev-only-audit-chain-key-not-for-production" if DEBUG else ""
)
# Retired keys, oldest first: entries sealed with them stay verifiable after a rotation.
AUDIT_CHAIN_OLD_KEYS = env.list("PORTAL_AUDIT_CHAIN_OLD_KEYS", default=[])
# Entries still unsealed this long after they were written are reported by verify.
AUDIT_PENDING_ALERT_MINUTES = env.int("PORTAL_AUDIT_PENDING_MINUTES", default=60)
# The daily checkpoint, outside the database: appended to this file on a file-system
# storage, one object per checkpoint under checkpoints/<date…>.json on any other storage.
AUDIT_CHECKPOINT_STORAGE = "default"
AUDIT_CHECKPOINT_NAME = env.str("PORTAL_AUDIT_CHECKPOINT_NAME", default="audit/checkpoints.jsonl")
# Its own bucket (with a retention lock) rather than the uploads' storage.
if env.str("PORTAL_AUDIT_CHECKPOINT_BUCKET", default=""):
    STORAGES["audit_checkpoints"] = _s3_storage(env.str("PORTAL_AUDIT_CHECKPOINT_BUCKET"))
    AUDIT_CHECKPOINT_STORAGE = "audit_checkpoints"

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
# Eager execution is only the embedded default: with no broker configured, .delay() would
# otherwise hang for ~20 s before failing.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True


# --- Cache ----------------------------------------------------------------------------
# No page is cached (docs/decisions.md, "No page cache"): pages are fast because their
# queries are few and flat. Django's cache is per-process memory. The one thing that
# must be shared between processes is the open-data API's rate limit (every web worker
# counts the same requests): the "throttle" cache, in Redis when PORTAL_CACHE_URL is set
# (production: docker-compose.yml), else per process like the default.
LOCAL_MEMORY = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
PORTAL_CACHE_URL = env.str("PORTAL_CACHE_URL", default="")
CACHES = {
    "default": LOCAL_MEMORY,
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": PORTAL_CACHE_URL}
        if PORTAL_CACHE_URL
        else {**LOCAL_MEMORY, "LOCATION": "throttle"}
    ),
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="保定市科学技术局 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[保定市创新联盟] "

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Request bodies: form fields (not files) at most 2.5 MB, uploads spooled to disk above
# 2.5 MB, and no request body above PORTAL_MAX_REQUEST_BYTES at all (refused before it is
# read, core.middleware.RequestSizeLimitMiddleware; the proxy's client_max_body_size says
# the same, docs/operations.md). Each uploaded file is also limited to UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
PORTAL_MAX_REQUEST_BYTES = env.int("PORTAL_MAX_REQUEST_BYTES", default=50 * 1024 * 1024)

# --- Security (等保2.0 application controls; see docs/security.md) ----------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username at one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("PORTAL_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many reverse proxies of ours stand in front of the portal (1 behind the documented
# TLS proxy): the client address is read from X-Forwarded-For accordingly (core.client_ip),
# for django-axes and the audit log alike.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
# Throttles (core.throttle), in attempts per window of seconds: failed logins per client
# address (any user name) and per user name (any address); password-reset e-mails per
# client address and per e-mail address.
PORTAL_THROTTLES = {
    "login-address": (env.int("PORTAL_LOGIN_FAILURES_PER_ADDRESS", default=30), 900),
    "login-account": (env.int("PORTAL_LOGIN_FAILURES_PER_ACCOUNT", default=10), 900),
    "reset-address": (env.int("PORTAL_RESETS_PER_ADDRESS", default=5), 3600),
    "reset-account": (env.int("PORTAL_RESETS_PER_ACCOUNT", default=3), 3600),
    # Unit registrations (单位注册) submitted from one client address.
    "register-address": (env.int("PORTAL_REGISTRATIONS_PER_ADDRESS", default=3), 600),
    # …and submissions of any outcome (corrections after a refused form included).
    "register-attempts": (env.int("PORTAL_REGISTRATION_ATTEMPTS_PER_ADDRESS", default=20), 600),
}
# A unit registration whose e-mail address is not confirmed within this many hours
# expires (the confirmation link stops working at the same age).
PORTAL_REGISTRATION_CONFIRM_HOURS = env.int("PORTAL_REGISTRATION_CONFIRM_HOURS", default=48)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Two-factor login (等保2.0 三级: two kinds of authentication for administrators): a
# password and a TOTP code (or a single-use backup code). The roles listed must enrol at
# their first login; anyone else may enrol on the account-security page and is then asked
# for a code too (accounts.two_factor). Values are Role values; tests/conftest.py empties
# the list for tests not marked `two_factor`.
PORTAL_2FA_REQUIRED_ROLES = [
    role
    for role in env.list(
        "PORTAL_2FA_REQUIRED_ROLES",
        default=[
            "municipal_staff",
            "county_reviewer",
            "evaluator",
            "admin",
            "auditor",
            "security_admin",
        ],
    )
    if role
]
PORTAL_2FA_BACKUP_CODES = 10
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "保定市创新联盟"
# Wrong codes lock the device for 1, 2, 4, 8… seconds (django-otp's throttling; 0 = off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Secrets are never shown in the admin (its django-otp pages are not registered anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions end after this much inactivity. core.middleware.SessionIdleMiddleware pushes
# the expiry forward at most once per SESSION_REFRESH_SECONDS (instead of writing the
# session on every request), so the cookie age adds that interval: a session ends between
# 30 and 31 minutes after the last request. Sessions stay in the database only: a copy in
# a cache that missed a logout's delete (Redis briefly unreachable) would outlive it.
SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30)
# How long the link in a unit administrator's invitation of a colleague sets the password
# (accounts.invitations); it also dies once used, and when the colleague is removed.
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)
# How long files built or uploaded for a job are kept (portal.retention): an export (a copy
# of private records) 7 days; an import's workbook 180 days after the import ended (like
# the logs); a dry run nobody confirmed 7 days.
PORTAL_EXPORT_KEEP_DAYS = env.int("PORTAL_EXPORT_KEEP_DAYS", default=7)
PORTAL_IMPORT_KEEP_DAYS = env.int("PORTAL_IMPORT_KEEP_DAYS", default=180)
PORTAL_IMPORT_CONFIRM_DAYS = env.int("PORTAL_IMPORT_CONFIRM_DAYS", default=7)
SESSION_REFRESH_SECONDS = 60
# The page warns this long before the idle time runs out and offers to continue
# (static/js/idle.js; GB/T 37668 / WCAG 2.2.1: a time limit the user can extend).
SESSION_IDLE_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_REFRESH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Whether users reach the portal over HTTPS (TLS at the reverse proxy): secure cookies, the
# redirect to https and HSTS. On whenever DEBUG is off, except where said otherwise: the
# demo runs DEBUG off (the portal's own error pages) over plain http on 127.0.0.1.
PORTAL_HTTPS = env.bool("PORTAL_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = PORTAL_HTTPS
CSRF_COOKIE_SECURE = PORTAL_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PORTAL_HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # TLS ends at the reverse proxy, which says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (core.middleware): everything from this origin, nothing inline
# but styles (Bootstrap components set style attributes).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Open-data API (portal.api, docs/api.md) ---------------------------------------------
# Read-only and public: no authentication (every caller sees the same public data), so every
# caller is anonymous and limited per client address (portal.api.throttling, the address of
# core.client_ip). The counts live in Django's cache: per process (docs/decisions.md).
PORTAL_API_RATE = env.str("PORTAL_API_RATE", default="120/min")
# The bulk download of the registry is built on each request (docs/decisions.md): fewer.
PORTAL_API_DOWNLOAD_RATE = env.str("PORTAL_API_DOWNLOAD_RATE", default="20/hour")
# Lookups on the public verification page of issued documents (/verify/, issue 18), per
# client address, counted in the same shared "throttle" cache.
PORTAL_VERIFY_RATE = env.str("PORTAL_VERIFY_RATE", default="30/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.PublicRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "portal.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PublicPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": "format",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "保定市产业创新战略联盟开放数据接口",
    "DESCRIPTION": (
        "保定市科学技术局公开的产业创新战略联盟备案数据：已备案联盟名录、取消备案公告、"
        "联盟运行经费补贴结果公示。只读，无需登录；内容与平台公开页面一致，不含任何非公开信息。"
        "支持 JSON 与 CSV（UTF-8，带 BOM）两种格式，按页返回，匿名访问限速。"
    ),
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "公开数据，使用时请注明来源：保定市科学技术局"},
}

# --- Policy ---------------------------------------------------------------------------
# The measures' numbers (due dates, periods, subsidy bounds, criteria…) are data: the
# `policy` app's versions (issue 13). What is left here is how the portal runs.
# While no version is in force (the 2018 measures lapsed on 2023-09-18): "keep_last"
# applies the last published version; "refuse" refuses new filings, revocation cases
# and subsidy rounds until a successor is published.
PORTAL_POLICY_WHEN_LAPSED = env.str("PORTAL_POLICY_WHEN_LAPSED", default="keep_last")
if PORTAL_POLICY_WHEN_LAPSED not in ("keep_last", "refuse"):
    raise environ.ImproperlyConfigured("PORTAL_POLICY_WHEN_LAPSED must be keep_last or refuse")
PORTAL_SITE_NAME = _("保定市产业创新战略联盟备案管理平台")
# The header's name on a phone (below 768 px), where the full name took three lines.
PORTAL_SITE_SHORT_NAME = _("联盟备案")
PORTAL_BUREAU_NAME = "保定市科学技术局"
# The means of redress a 决定书 states (docs/operations.md, "Issued documents"): the
# reconsideration body (行政复议机关: since 2024 the people's government at the bureau's
# level) and the court of first instance for an administrative suit (行政诉讼).
PORTAL_REVIEW_BODY = env.str("PORTAL_REVIEW_BODY", default="保定市人民政府")
PORTAL_LITIGATION_COURT = env.str("PORTAL_LITIGATION_COURT", default="保定市竞秀区人民法院")
# Where written objections to a subsidy 公示 are received, shown on the public page. No
# default: the bureau's real address and phone (`check --deploy` warns while empty).
PORTAL_OBJECTION_ADDRESS = env.str("PORTAL_OBJECTION_ADDRESS", default="")
PORTAL_OBJECTION_PHONE = env.str("PORTAL_OBJECTION_PHONE", default="")
# Absolute links in e-mails.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# What the server accepts of one uploaded file, whatever it is (materials, summaries'
# attachments, evidence): an operating limit, kept below the proxy's body size. Each Art. 10
# material's own limit is the policy version's, and cannot exceed this one.
UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# The digital signature on every issued document (core.signing, docs/operations.md
# "Signing issued documents"): one PKCS#12 file per issuing body in PORTAL_SIGNING_DIR
# (`municipal.p12`, `<county code>.p12`, with the seal image beside it as `<body>.png`),
# all under one password; the roots a signature must chain to; a TSA for PAdES B-T.
PORTAL_SIGNING_DIR = Path(env.str("PORTAL_SIGNING_DIR", default=str(VAR_DIR / "signing")))
PORTAL_SIGNING_PASSWORD = env.str("PORTAL_SIGNING_PASSWORD", default="")
PORTAL_SIGNING_TRUST_ROOTS = Path(
    env.str("PORTAL_SIGNING_TRUST_ROOTS", default=str(PORTAL_SIGNING_DIR / "root.pem"))
)
PORTAL_SIGNING_TSA_URL = env.str("PORTAL_SIGNING_TSA_URL", default="")
# Production never issues an unsigned document: a missing, unreadable or expired
# certificate is an error at start-up (`check`, `migrate`) and when signing. While DEBUG is
# on a missing one is only a warning, and documents go out unsigned.
PORTAL_SIGNING_REQUIRED = env.bool("PORTAL_SIGNING_REQUIRED", default=not DEBUG)
PORTAL_SIGNING_EXPIRY_WARNING_DAYS = env.int("PORTAL_SIGNING_EXPIRY_WARNING_DAYS", default=30)
# Art. 11: filing numbers, sequential per year without gaps.
FILING_NUMBER_FORMAT = "保科联备〔{year}〕{seq:03d}号"
COUNTY_LETTER_NUMBER_FORMAT = "{prefix}科荐〔{year}〕{seq:03d}号"

# Structured (JSON) logs in production for the log collector; plain lines while developing.
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pypdf logs every repair it makes while an upload is inspected (core.contentcheck).
        "pypdf": {"level": "ERROR"},
        # pyHanko logs a signature that fails validation with its traceback; the result
        # (core.signing.validate_pdf) says it, and a forged upload is not our error.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# The reminder job works in batches of this many alliances (one transaction each), with an
# optional pause between batches to spare the database on a busy morning.
REMINDER_BATCH_SIZE = env.int("PORTAL_REMINDER_BATCH_SIZE", default=500)
REMINDER_BATCH_PAUSE_SECONDS = env.float("PORTAL_REMINDER_BATCH_PAUSE", default=0.0)

# A broker that is down must fail a publish fast, not hang the request (core.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task taken by a worker that dies unacknowledged (acks_late) goes back to the queue
# after this long; it must exceed the longest task.
BROKER_VISIBILITY_TIMEOUT = env.int("PORTAL_BROKER_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # Look for such tasks regularly (kombu otherwise scans only every 10th tick).
    "unacked_restore_interval": max(1, min(10, BROKER_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    # Seals what is left, verifies, and writes the day's checkpoint outside the database.
    "verify-audit-chain-daily": {
        "task": "audit.tasks.seal_and_verify_audit_chain",
        "schedule": crontab(hour=2, minute=15),
    },
    # How old the oldest log entries are (kept at least 180 days, audit.retention).
    "report-log-retention-daily": {
        "task": "audit.tasks.report_log_retention",
        "schedule": crontab(hour=2, minute=45),
    },
    "prune-throttle-daily": {
        "task": "core.tasks.prune_throttle",
        "schedule": crontab(hour=3, minute=30),
    },
    "expire-unconfirmed-registrations-daily": {
        "task": "accounts.tasks.expire_unconfirmed_registrations",
        "schedule": crontab(hour=3, minute=45),
    },
    # Exports after PORTAL_EXPORT_KEEP_DAYS, imports' workbooks after their keeping.
    "purge-expired-files-daily": {
        "task": "portal.tasks.purge_expired_files",
        "schedule": crontab(hour=4, minute=10),
    },
    "dispatch-outbox-every-minute": {
        "task": "core.tasks.dispatch_outbox",
        "schedule": 60.0,
    },
    "send-annual-summary-reminders-daily": {
        "task": "supervision.tasks.send_annual_summary_reminders",
        # 08:30 Beijing time, before the working day starts.
        "schedule": crontab(hour=8, minute=30),
    },
}
