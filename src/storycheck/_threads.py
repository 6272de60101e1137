"""Threads and the two cores: numpy's BLAS on one thread where storycheck does many
small products, and a short GIL switch interval while an encoder runs beside Python work.

Scoring multiplies thousands of small matrices (word pieces of a claim against
those of its windows). A multi-threaded BLAS spends more time waking its threads
than multiplying, and on 2 cores it fights onnxruntime for them: measured 4x
slower per product (docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return run


#: Seconds a thread may hold the GIL while another waits for it (Python's default is 5 ms).
#: An encoder's threads take it briefly after each text (~5 ms of model time); at the
#: default they would wait on Python code in another thread for as long as the model ran.
SWITCH = 0.0005
_switching = threading.Lock()
_quick: list[float] = []  # the interval set before the first of the threads now inside quick_switches


@contextmanager
def quick_switches() -> Iterator[None]:
    """SWITCH as the GIL's switch interval while any thread is inside (an encoder running
    beside Python work); the interval set before is put back when the last one leaves."""
    with _switching:
        _quick.append(_quick[0] if _quick else sys.getswitchinterval())
        sys.setswitchinterval(min(_quick[0], SWITCH))
    try:
        yield
    finally:
        with _switching:
            first = _quick.pop()
            if not _quick:
                sys.setswitchinterval(first)
