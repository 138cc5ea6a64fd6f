"""The WSGI application of whichever project DJANGO_SETTINGS_MODULE names (gunicorn bench.wsgi)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
