"""Arrow's memory pool for the process."""

from __future__ import annotations

import contextlib
import os

import pyarrow as pa

#: Environment variable with which Arrow users choose the pool themselves (honoured as is).
POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_arrow_memory_pool() -> str:
    """Allocate Arrow buffers from jemalloc unless ``ARROW_DEFAULT_MEMORY_POOL`` says otherwise.

    Arrow's wheels default to mimalloc. On the project machine an import of a 1 M-row file
    spent 1.9-2.8 s of CPU with mimalloc and 1.2-1.4 s with jemalloc or the system
    allocator, the same file side by side in fresh processes (``docs/performance.md``): the
    difference is fresh memory being faulted in again and again for each block's buffers.
    Buffers allocated before the switch are released to their own pool.

    Returns
    -------
    str
        The pool's backend (``jemalloc``, or what was set or available).
    """
    if POOL_VARIABLE not in os.environ:
        with contextlib.suppress(NotImplementedError):  # built without jemalloc: the default
            pa.set_memory_pool(pa.jemalloc_memory_pool())
    return pa.default_memory_pool().backend_name
