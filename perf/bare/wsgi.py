"""WSGI entry point of the bare project: `gunicorn -c deploy/gunicorn.conf.py perf.bare.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

# Set, not setdefault: a gunicorn started from `manage.py` inherits DJANGO_SETTINGS_MODULE=config.settings.
os.environ["DJANGO_SETTINGS_MODULE"] = "perf.bare.settings"

application = get_wsgi_application()
