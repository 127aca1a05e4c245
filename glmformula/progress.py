"""Progress of a long fit: one line (or a tqdm bar) per IRLS iteration.

``verbose=None`` shows the iterations of a fit once it has run for a few
seconds, ``True`` from the start, ``False`` never. tqdm draws the bar when it
is installed (it is in the ``dask`` extra); else plain lines go to stderr.

>>> import io
>>> out = io.StringIO()
>>> p = IterationProgress(verbose=True, maxit=25, stream=out, use_tqdm=False)
>>> p.update(1, 1234.5, 0.25, 0.5)
>>> p.close()
>>> out.getvalue().splitlines()[0]
'IRLS iteration 1: deviance 1234.5, change 0.25, 0.5 s'
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

#: with verbose=None, iterations are shown once a fit has taken this long
QUIET_SECONDS = 3.0


class IterationProgress:
    """Reports deviance, relative change and elapsed time per iteration."""

    def __init__(self, verbose: bool | None, maxit: int, stream: TextIO | None = None,
                 use_tqdm: bool | None = None, label: str = "IRLS") -> None:
        self.verbose = verbose
        self.maxit = maxit
        self.stream = stream
        self.label = label
        self.started = time.perf_counter()
        self.bar: Any = None
        self.history: list[tuple[int, float, float, float]] = []
        self.use_tqdm = _has_tqdm() if use_tqdm is None else use_tqdm

    def _showing(self, elapsed: float) -> bool:
        if self.verbose is False:
            return False
        return self.verbose is True or elapsed >= QUIET_SECONDS

    def update(self, iteration: int, deviance: float, change: float, elapsed: float) -> None:
        """Record one iteration and show it (and any earlier ones not yet shown)."""
        self.history.append((iteration, deviance, change, elapsed))
        if not self._showing(time.perf_counter() - self.started):
            return
        if self.use_tqdm:
            self._tqdm_update(iteration, deviance, change)
            return
        stream = self.stream or sys.stderr
        shown = getattr(self, "_shown", 0)
        for it, dev, ch, el in self.history[shown:]:
            stream.write(f"{self.label} iteration {it}: deviance {dev:.8g}, change {ch:.3g}, "
                         f"{el:.1f} s\n")
        self._shown = len(self.history)
        stream.flush()

    def _tqdm_update(self, iteration: int, deviance: float, change: float) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=self.maxit, desc=self.label, unit="iter",
                            file=self.stream or sys.stderr, leave=True)
        self.bar.n = iteration
        self.bar.set_postfix(deviance=f"{deviance:.8g}", change=f"{change:.2g}")

    def close(self) -> None:
        """End the bar (at the iteration reached)."""
        if self.bar is not None:
            self.bar.total = self.bar.n
            self.bar.refresh()
            self.bar.close()
            self.bar = None


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True
