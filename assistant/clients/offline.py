from assistant.clients.types import InterpreterResult, Turn
from assistant.interpreter import interpret


class OfflineInterpreter:
    """The built-in bilingual rule-based interpreter: no network, no key."""

    def interpret(self, message: str, *, history: list[Turn]) -> InterpreterResult:
        return InterpreterResult(interpretation=interpret(message), backend="offline")
