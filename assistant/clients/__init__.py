from django.conf import settings

from assistant.clients.offline import OfflineInterpreter
from assistant.clients.types import Interpreter


def llm_is_configured() -> bool:
    return bool(settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


def get_interpreter() -> Interpreter:
    """The model when one is configured, else the offline interpreter (read at call time, for tests)."""
    if llm_is_configured():
        from assistant.clients.llm import OpenAICompatibleInterpreter

        return OpenAICompatibleInterpreter()
    return OfflineInterpreter()
