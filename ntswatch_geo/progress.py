"""Rich progress bars for the CLI, including an adapter for pooch downloads."""
from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import (BarColumn, DownloadColumn, Progress, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TransferSpeedColumn)

console = Console(stderr=True)


@contextmanager
def steps(enabled: bool = True):
    """A progress display whose `step(name, fraction)` callback advances one bar per named step."""
    if not enabled:
        yield lambda name, fraction: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as prog:
        tasks: dict[str, int] = {}

        def step(name: str, fraction: float) -> None:
            if name not in tasks:
                for other in tasks.values():
                    prog.update(other, completed=100)
                tasks[name] = prog.add_task(name, total=100)
            prog.update(tasks[name], completed=max(0.0, min(1.0, fraction)) * 100)

        yield step
        for t in tasks.values():
            prog.update(t, completed=100)


class PoochRichBar:
    """The object pooch's HTTPDownloader wants as `progressbar`: total, update, reset, close."""

    def __init__(self, label: str):
        self._prog = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                              console=console)
        self._prog.start()
        self._task = self._prog.add_task(label, total=None)
        self.total = None

    def update(self, n: int) -> None:
        self._prog.update(self._task, advance=n, total=self.total)

    def reset(self) -> None:
        self._prog.reset(self._task, total=self.total)

    def close(self) -> None:
        self._prog.stop()
