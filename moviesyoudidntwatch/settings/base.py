"""Settings for every environment. The only module that reads the environment.

With no environment at all (a newcomer's `make run`) it runs the embedded mode: a SQLite file,
Celery tasks executed eagerly in-process, a local-memory cache, the embedded catalog.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is optional; variables already in the real environment win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _secret_key_from_file(path: Path) -> str:
    """The key in a file of the owner's only (`make run` writes one per machine, mode 0600): a key that
    others can read signs tokens that anybody could forge."""
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE: cannot read {path}: {exc.strerror}.") from None
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY_FILE: {path} can be read by other users; run `chmod 600 {path}`."
        )
    if len(key) < 50:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE: {path} holds fewer than 50 characters.")
    return key


DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The key itself wins; else the file DJANGO_SECRET_KEY_FILE names (what `make run` and `make dev` use).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
SECRET_KEY_FILE = env.str("DJANGO_SECRET_KEY_FILE", default="")
if not SECRET_KEY and SECRET_KEY_FILE:
    SECRET_KEY = _secret_key_from_file(Path(SECRET_KEY_FILE))
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE (or DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "corsheaders",
    "simple_history",
    "core",
    "accounts",
    "catalog",
    "library",
    "discovery",
    "integrations",
    "assistant",
    "recommendations",
    "households",
    "alerts",
    "django_htmx",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that can answer (a 413, a redirect)
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files (admin, API docs) served by the app itself
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.RequestLanguageMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",  # 413 before a too-large body is read (CSRF reads forms)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx for the web pages' partial updates
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.api.middleware.ApiHttpMiddleware",  # the API's Cache-Control, ETag/304, Vary and RateLimit headers
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "moviesyoudidntwatch.urls"
WSGI_APPLICATION = "moviesyoudidntwatch.wsgi.application"
APPEND_SLASH = False  # API paths have no trailing slash (/movies/search); /admin/ keeps its own.

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# A kept connection is checked before each request reuses it, so a database restart costs no failed request;
# on PostgreSQL without a round trip while the server has said nothing on it (core/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the loader or a worker writes; wait instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailOrUsernameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True  # serve straight from the apps too: no collectstatic needed to run

# HTTPS hardening, switched on by the production environment (README, "Production settings").
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):  # the proxy terminates TLS and says so in a header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every answer: scripts, styles and the rest from this site only. The
# pages have no inline script, style or event handler, and htmx runs with eval off (templates/base.html); the
# Swagger UI adds its page's inline style (moviesyoudidntwatch/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # the pages' empty favicon, the Swagger UI's icons, TMDB's posters (catalog.localized.POSTER_CDN)
        "img-src": [SELF, "data:", "https://image.tmdb.org"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses, off for the site and anything it could embed (django-permissions-policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Cache and Celery: Redis when REDIS_URL is set, in-process otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_IMPORTS = ("integrations.trakt_tasks",)  # beside the apps' tasks.py modules
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}  # periodic tasks live in the database (installed by migrations)
# Two queues: provider calls ("enrichment") never hold up the rest ("default": imports, sweeps, training).
CELERY_TASK_DEFAULT_QUEUE = "default"
# With no broker, background work (refresh-on-read) runs on a small in-process pool, off the request.
EAGER_TASKS_IN_BACKGROUND = env.bool("EAGER_TASKS_IN_BACKGROUND", default=True)
CELERY_TASK_ROUTES = {"catalog.tasks.title_refresh_task": {"queue": "enrichment"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only (DRF's parser, refusing deeply nested bodies with a 400): a form is a 415, except on
    # the OAuth2 token routes and the history upload, which name their own parsers.
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # what the test client sends unless told otherwise
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # formats are routes (/me/export/letterboxd), not a query parameter
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    # Per client address without a token, per account with one, counted in the shared cache (429 +
    # Retry-After). Failed logins have their own limit on top; chat turns have theirs instead.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.AnonThrottle", "core.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="120/min"),
        "user": env.str("THROTTLE_USER_RATE", default="600/min"),
        "chat": env.str("THROTTLE_CHAT_RATE", default="30/min"),
        "webhook": env.str("THROTTLE_WEBHOOK_RATE", default="60/min"),  # per webhook URL
    },
    # Proxies in front of the app that append to X-Forwarded-For; 0 trusts only the socket's address.
    "NUM_PROXIES": env.int("THROTTLE_NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MoviesYouDidntWatch API",
    "DESCRIPTION": "Movie and TV-show discovery that never recommends what you have already seen.",
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app itself: no CDN needed
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No global security: each operation's comes from its view's authentication and permission classes
    # (core.api.schema.BearerScheme): a token required, optional (discovery) or not read at all (public).
    # One named enum per choice set, where fields of the same name hold different sets ("status", "source").
    "ENUM_NAME_OVERRIDES": {
        "ProblemCodeEnum": "core.api.problems.PROBLEM_CODES",
        "EntryStatusEnum": "library.api.serializers.ENTRY_STATUSES",
        "ImportStatusEnum": "library.models.ImportJob.State",
        "ImportSourceEnum": "library.models.ImportJob.Source",
        "ImportUploadSourceEnum": "library.validators.IMPORT_SOURCES",
        "ImportConflictFieldEnum": "library.api.serializers.IMPORT_CONFLICT_FIELDS",
        "RatingSourceEnum": "discovery.api.serializers.RATING_SOURCES",
        "ScoreSourceEnum": "catalog.api.serializers.SCORE_SOURCES",
        "UnmatchedReasonEnum": "library.api.serializers.UNMATCHED_REASONS",
        "InterpreterEnum": "assistant.api.serializers.BACKENDS",
        "IntentEnum": "assistant.interpreter.types.REPLY_INTENTS",
        "CreditRoleEnum": "discovery.api.serializers.CREDIT_ROLES",
        "NotForMeReasonEnum": "recommendations.models.NotForMeReason",
        "HideRuleOfferKindEnum": "recommendations.api.serializers.OFFER_KINDS",
        "WebhookServerKindEnum": "integrations.models.ServerKind",
        "KindEnum": "library.models.HideRule.Kind",  # keeps its name beside the webhooks' kind
        "WebhookEventStatusEnum": "integrations.models.WebhookEvent.State",
        "WebhookReceivedStatusEnum": "integrations.api.serializers.RECEIVED_STATUSES",
        "TraktStateEnum": "integrations.api.trakt.TRAKT_STATES",
        "WatchOfferKindEnum": "catalog.models.OfferKind",  # a title's offers and the arrivals on services
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.problem_media_type_hook",
    ],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# Seconds a public API answer (an anonymous catalog read, the genre and language lists, the schema) may be
# kept by clients and shared caches: `Cache-Control: public, max-age=…`.
API_CACHE_MAX_AGE_SECONDS = env.int("API_CACHE_MAX_AGE_SECONDS", default=60)

# Browsers on other sites may call the API (never the pages or the admin) only from these origins; none by
# default. Answers carry no cookies: the API authenticates with the Authorization header alone.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = (
    r"^/(?:auth|users|me|movies|tvshows|chat|genres|languages|groups|watch|webhooks|healthz"
    r"|api/schema)(?:/|$)"
)
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-none-match",
)
CORS_EXPOSE_HEADERS = (
    "Content-Language",
    "ETag",
    "Idempotent-Replayed",
    "Location",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
)

# Seconds the first page of the discovery feed is shared between anonymous callers (0: never cached).
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=30)
# Seconds each process keeps a filter set's ranked matches and the titles it served as cards (0: never),
# how many of its best ids it keeps in order (4 bytes each; a broader set adds a bitmap of every match,
# one bit per title id), and the memory all the rankings of one process may take.
FEED_CACHE_SECONDS = env.int("FEED_CACHE_SECONDS", default=30)
FEED_CACHE_MAX_MATCHES = env.int("FEED_CACHE_MAX_MATCHES", default=100_000)
FEED_CACHE_MEMORY_MB = env.float("FEED_CACHE_MEMORY_MB", default=64.0)

# The largest history file POST /me/import and the import page take; a larger declared body gets a 413 unread.
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=20)
# History files one user may import in 24 hours (POST /me/import and the import page); more get a 429.
IMPORT_DAILY_LIMIT = env.int("IMPORT_DAILY_LIMIT", default=20)
# Media-server webhooks (/webhooks/<token>): the largest body taken (a bigger one is a 413 unread), and what
# an episode does: "episode" marks its series seen, "last_season" only an episode of the last season.
WEBHOOK_MAX_BODY_KB = env.int("WEBHOOK_MAX_BODY_KB", default=512)
WEBHOOK_SERIES_RULE = env.str("WEBHOOK_SERIES_RULE", default="episode")

# Failed logins per (identifier, client address) before /auth/login answers 429, and for how long.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)

# Web pages (the `web` app) log in with Django sessions; the REST API keeps JWT only (no session auth).
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:discover"
LOGOUT_REDIRECT_URL = "web:discover"
# The pages' language switcher remembers an anonymous visitor's choice in this cookie, for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# External services. Empty keys keep the embedded catalog; a key switches the real service on.
TMDB_API_KEY = env.str("TMDB_API_KEY", default="")
TMDB_READ_TOKEN = env.str("TMDB_READ_TOKEN", default="")
TMDB_BASE_URL = env.str("TMDB_BASE_URL", default="https://api.themoviedb.org/3")
TMDB_TIMEOUT_SECONDS = env.float("TMDB_TIMEOUT_SECONDS", default=10.0)
TMDB_CLIENT_CLASS = env.str("TMDB_CLIENT_CLASS", default="catalog.ingest.clients.tmdb.TmdbHttpClient")
OMDB_API_KEY = env.str("OMDB_API_KEY", default="")
OMDB_BASE_URL = env.str("OMDB_BASE_URL", default="https://www.omdbapi.com/")
OMDB_TIMEOUT_SECONDS = env.float("OMDB_TIMEOUT_SECONDS", default=10.0)
OMDB_CLIENT_CLASS = env.str("OMDB_CLIENT_CLASS", default="catalog.ingest.clients.omdb.OmdbHttpClient")
# Provider rate limits, shared by every process through Redis when REDIS_URL is set (core/ratelimit.py).
TMDB_RATE_LIMIT_PER_SECOND = env.float("TMDB_RATE_LIMIT_PER_SECOND", default=40.0)
OMDB_RATE_LIMIT_PER_SECOND = env.float("OMDB_RATE_LIMIT_PER_SECOND", default=10.0)
OMDB_DAILY_BUDGET = env.int("OMDB_DAILY_BUDGET", default=1000)  # OMDb's free tier: 1,000 requests a day
# Provider HTTP retries (timeouts, connection errors, 429, 5xx): exponential backoff with jitter from this
# base; a Retry-After is honoured up to HTTP_RETRY_AFTER_MAX_SECONDS (then the caller reschedules).
HTTP_RETRIES = env.int("HTTP_RETRIES", default=3)
HTTP_RETRY_BACKOFF_SECONDS = env.float("HTTP_RETRY_BACKOFF_SECONDS", default=0.5)
HTTP_RETRY_AFTER_MAX_SECONDS = env.float("HTTP_RETRY_AFTER_MAX_SECONDS", default=30.0)
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=8.0)
HTTP_USER_AGENT = "MoviesYouDidntWatch/0.1 (+https://moviesyoudidntwatch.com)"
# Trakt sync (optional; the export ZIP import needs none of this): an API app's id and secret switch it on.
TRAKT_CLIENT_ID = env.str("TRAKT_CLIENT_ID", default="")
TRAKT_CLIENT_SECRET = env.str("TRAKT_CLIENT_SECRET", default="")
TRAKT_BASE_URL = env.str("TRAKT_BASE_URL", default="https://api.trakt.tv")
TRAKT_TIMEOUT_SECONDS = env.float("TRAKT_TIMEOUT_SECONDS", default=10.0)
# Trakt allows 1,000 GETs per 5 minutes per user; 3 a second across our processes stays well below.
TRAKT_RATE_LIMIT_PER_SECOND = env.float("TRAKT_RATE_LIMIT_PER_SECOND", default=3.0)
TRAKT_SYNC_HOURS = env.float("TRAKT_SYNC_HOURS", default=4.0)  # a connected account is pulled this often

# How stale each process's in-process search indexes (titles, people) may get before the catalog is checked
# for changes.
SEARCH_INDEX_RECHECK_SECONDS = env.float("SEARCH_INDEX_RECHECK_SECONDS", default=5.0)
# PostgreSQL: how many of the most-voted titles of each media type each process also searches in-process
# (typos in well-known titles found as on SQLite); the trigram index finds the others.
SEARCH_MEMORY_TITLES = env.int("SEARCH_MEMORY_TITLES", default=100_000)

# Cached titles older than this are refreshed by the daily beat sweep (titles_refresh_sweep_task).
CATALOG_CACHE_MAX_AGE_DAYS = env.int("CATALOG_CACHE_MAX_AGE_DAYS", default=7)
CATALOG_REFRESH_BATCH_SIZE = env.int("CATALOG_REFRESH_BATCH_SIZE", default=2000)  # titles per daily sweep
# Live top-up from TMDB (only with a key): at most this many TMDB result pages fetched per request, and no
# new page once this many seconds went into it (a page costs many slow calls when TMDB is slow).
CATALOG_TOPUP_MAX_PAGES = env.int("CATALOG_TOPUP_MAX_PAGES", default=3)
CATALOG_TOPUP_BUDGET_SECONDS = env.float("CATALOG_TOPUP_BUDGET_SECONDS", default=3.0)

# E-mail (the weekly digest of saved searches): EMAIL_URL names the backend, e.g.
# smtp+tls://user:password@smtp.example.org:587; by default messages are printed on the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MoviesYouDidntWatch <noreply@localhost>")
# Where the site is reached from outside: the links in e-mails (titles, Alerts page, unsubscribe).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": env.str("LOG_FORMAT", default="plain")}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
