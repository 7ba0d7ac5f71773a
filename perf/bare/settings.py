"""The bare project's settings: Hindsight's database (the very same DATABASES, read from DATABASE_URL by
config.settings), and nothing else Hindsight adds: no middleware, one app, the cached template loader."""

from config import settings as site

BASE_DIR = site.BASE_DIR
DEBUG = False
SECRET_KEY = site.SECRET_KEY
ALLOWED_HOSTS = site.ALLOWED_HOSTS

INSTALLED_APPS = ["perf.bare"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "perf.bare.urls"
WSGI_APPLICATION = "perf.bare.wsgi.application"

DATABASES = site.DATABASES
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The same floor template as Hindsight's in-stack floor (perf/templates/perf/floor_list.html).
        "DIRS": [BASE_DIR / "perf" / "templates"],
        "OPTIONS": {
            "loaders": [
                ("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])
            ],
            "context_processors": [],
        },
    }
]

USE_I18N = False
USE_TZ = True
TIME_ZONE = site.TIME_ZONE
# Errors to the console (gunicorn's log), as Django's default would not with DEBUG off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
