from django.conf import settings
from django.utils.module_loading import import_string

from catalog.ingest.clients.types import OmdbClient, TmdbClient


def get_tmdb_client() -> TmdbClient:
    """The configured TMDB client (a dotted path read at call time, so tests can select another)."""
    return import_string(settings.TMDB_CLIENT_CLASS)()


def tmdb_is_configured() -> bool:
    return bool(settings.TMDB_API_KEY or settings.TMDB_READ_TOKEN)


def get_omdb_client() -> OmdbClient:
    """The configured OMDb client (`OMDB_CLIENT_CLASS`, read at call time like TMDB's)."""
    return import_string(settings.OMDB_CLIENT_CLASS)()


def omdb_is_configured() -> bool:
    return bool(settings.OMDB_API_KEY)
