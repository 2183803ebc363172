"""A dependency-free console progress bar for management commands.

Draws `done/total, rate, ETA` on a terminal; prints nothing when the stream is not a TTY (CI,
pipes, cron), so logs stay clean.
"""

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(
        self,
        total: int | None,
        *,
        label: str = "",
        stream: TextIO | None = None,
        width: int = 30,
        enabled: bool | None = None,
    ):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        self.finish()

    def update(self, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if self.enabled and (now - self._last_draw > 0.1 or self.done == self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            filled = int(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            eta = (self.total - self.done) / rate if rate else 0
            text = (
                f"\r{self.label} [{bar}] {self.done:,}/{self.total:,} "
                f"{rate:,.0f} rows/s ETA {eta:,.0f}s "
            )
        else:
            text = f"\r{self.label} {self.done:,} rows {rate:,.0f} rows/s "
        self.stream.write(text)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
