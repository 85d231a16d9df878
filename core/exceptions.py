"""Our own exception types: services raise these, the API layer turns them into HTTP answers."""


class ApplicationError(Exception):
    """A request that breaks a business rule; answered with 400 and its message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ApplicationError):
    """Not there for this caller (someone else's counts as missing): answered with 404 and its message."""


class ProviderError(Exception):
    """An external provider (TMDB, OMDb, an LLM) did not give us what we asked for."""


class ProviderNotFound(ProviderError):
    """The provider answered, and the thing does not exist there (HTTP 404 or its equivalent)."""


class ProviderUnavailable(ProviderError):
    """A transient failure: timeout, connection error, 429 or 5xx. Worth retrying later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderMisconfigured(ProviderError):
    """The provider refused our credentials (e.g. an invalid API key); retrying will not help."""
