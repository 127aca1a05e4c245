"""Python's cyclic garbage collector, paused while the package does a large job.

A process that has imported numpy, pandas, scipy and formulaic holds some
90,000 container objects; one full collection walks them all (about 30 ms
here), and the allocations of a large in-memory fit trigger one. The fit makes
few reference cycles (a thousand or so small objects, reclaimed by the next
collection after it), so ``glm()`` pauses the collector while it fits. Objects
without cycles are freed at once as always, and the collector's setting is
restored when the outermost pause ends, also across threads.

>>> import gc
>>> before = gc.isenabled()
>>> with collector_paused():
...     paused = not gc.isenabled()
>>> paused, gc.isenabled() == before
(True, True)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_STATE = {"depth": 0, "enabled": False}


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off inside the block; on again after the outermost block if
    it was on before the first."""
    with _LOCK:
        if _STATE["depth"] == 0:
            _STATE["enabled"] = gc.isenabled()
            gc.disable()
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["enabled"]:
                gc.enable()
