import os

from django.core.wsgi import get_wsgi_application

from core.wsgi import RequestBodyDrain

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moviesyoudidntwatch.settings.base")
# Unread request bodies are read out before answering, so keep-alive connections survive them.
application = RequestBodyDrain(get_wsgi_application())
