"""WSGI entry point (gunicorn govmall.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
application = get_wsgi_application()
