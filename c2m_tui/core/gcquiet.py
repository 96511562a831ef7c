"""Making a few hundred thousand objects in a worker thread without stalling the UI thread.

CPython's cyclic garbage collector runs in whichever thread happens to allocate, holding the GIL,
and a full collection walks every tracked object alive: with 200,000 tracking scans and their
rows in memory, each one took 80-240 ms, and the app's event loop stood still meanwhile (the
tracking screen measured 220-530 ms stalls). ``bulk_objects()`` switches the collector off while
such a batch of objects is built (they are long-lived: nothing for it to find there), then moves
everything alive into the permanent generation (``gc.freeze``), where later collections do not
walk it. ``release()`` undoes the freeze when the big objects are dropped, so whatever cycles were
frozen with them (widgets of a screen closed since) are collected again.

Reference counting frees frozen objects as usual: only cycles wait for ``release()``.

The other cause of such stalls is the GIL itself: a worker looping in pure Python over a file it
reads (the CSV reader's small reads let go of the GIL and take it straight back) kept the event
loop waiting 100-650 ms at a time for it (the wizard's import of 100,000 rows). ``sharing(rows)``
passes the rows through and calls ``time.sleep(0)`` every ``every`` of them: that hands the GIL to
a waiting thread (measured: the longest wait 380 ms before, 17 ms after, at no cost in time).
"""

from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_depth = 0  # builds under way (two workers may build at once)
_was_enabled = True


@contextmanager
def bulk_objects() -> Iterator[None]:
    """No cyclic collection while the block runs; what is alive after it is frozen."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()  # O(1): the generations' lists are spliced onto the permanent one
                if _was_enabled:
                    gc.enable()


def sharing(items: Iterable[T], every: int = 1000) -> Iterator[T]:
    """``items`` as they come, the GIL handed to any waiting thread every ``every`` of them."""
    for n, item in enumerate(items, 1):
        if n % every == 0:
            time.sleep(0)
        yield item


def quietly(build: Callable[..., T], *args, **kwargs) -> T:
    """``build(*args, **kwargs)`` under ``bulk_objects()``: for ``asyncio.to_thread`` and workers."""
    with bulk_objects():
        return build(*args, **kwargs)


def release() -> None:
    """The objects built under ``bulk_objects`` are gone (or going): collect everything again."""
    with _lock:
        if _depth == 0:
            gc.unfreeze()
