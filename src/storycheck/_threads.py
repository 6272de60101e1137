"""Keep numpy's BLAS on one thread where storycheck does many small products.

Scoring multiplies thousands of small matrices (word pieces of a claim against
those of its windows). A multi-threaded BLAS spends more time waking its threads
than multiplying, and on 2 cores it fights onnxruntime for them: measured 4x
slower per product (docs/benchmarks.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
