"""What the assistant's services see of an interpreter: a protocol and frozen results, never SDK objects."""

from dataclasses import dataclass
from typing import Protocol

from assistant.interpreter import Interpretation


@dataclass(frozen=True)
class Turn:
    """One earlier message of the same session, for context."""

    role: str  # "user" | "assistant"
    text: str


@dataclass(frozen=True)
class InterpreterResult:
    interpretation: Interpretation
    backend: str  # "offline" | "llm"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Interpreter(Protocol):
    def interpret(self, message: str, *, history: list[Turn]) -> InterpreterResult: ...


class InterpreterUnavailable(Exception):
    """The model did not answer usefully (timeout, error status, invalid output): use the offline one."""
