"""What an import of IMDb's datasets read, wrote and skipped, and how long each phase took."""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date


@dataclass
class ImdbImportReport:
    as_of: date | None = None
    lines: Counter[str] = field(default_factory=Counter)  # data lines read, per file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ratings_changed: int = 0  # titles whose IMDb rating, votes or date changed
    fr_titles: int = 0  # French titles given to new titles or filled into existing ones
    fr_rows: int = 0  # region-FR rows found in title.akas
    skipped: Counter[str] = field(default_factory=Counter)  # reason → count
    repaired: Counter[str] = field(default_factory=Counter)  # field → values the validators refuse, dropped
    unknown_genres: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)  # per phase: each file's staging, merge, rescore

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.seconds[phase] = self.seconds.get(phase, 0.0) + time.monotonic() - started

    @property
    def rows_read(self) -> int:
        return sum(self.lines.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.elapsed if self.elapsed else 0.0
