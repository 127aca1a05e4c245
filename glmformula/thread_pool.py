"""The package's thread pool and its size (the IRLS pass runs its chunks of rows here).

>>> resolve_threads(3), pool(2) is pool(2)
(3, True)
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from glmformula.errors import ArgumentTypeError

#: The environment variable that sets the pool's threads when ``Control(threads=)`` is not given.
THREADS_ENV = "GLMFORMULA_THREADS"

_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}  # by (process, threads): a forked
# child has none of its parent's threads, so it makes its own pool
_POOLS_LOCK = threading.Lock()


def resolve_threads(setting: int | None) -> int:
    """The pool's size: ``setting``, else $GLMFORMULA_THREADS, else the number of CPUs."""
    if setting is None:
        text = os.environ.get(THREADS_ENV, "").strip()
        if not text:
            return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                       else os.cpu_count() or 1)
        try:
            setting = int(text)
        except ValueError:
            raise ArgumentTypeError(
                f"{THREADS_ENV} must be a whole number >= 1, got {text!r}") from None
    if setting < 1:
        raise ArgumentTypeError(f"threads must be a whole number >= 1, got {setting!r}")
    return setting


def pool(threads: int) -> ThreadPoolExecutor:
    """A thread pool of ``threads`` workers (made once)."""
    key = (os.getpid(), threads)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(
                max_workers=threads, thread_name_prefix="glmformula-irls")
        return _POOLS[key]
