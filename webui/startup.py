"""Server process set-up, in one place: logging, and glibc's heap settings for a long-lived,
many-threaded server.

`tune_process()` is called by the entry point (`streamlit_app.py`) on every run and acts once
per process; nothing here acts when it is imported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading

_tuned = False
_lock = threading.Lock()


def tune_process() -> None:
    """Once per server process: catdog logs at INFO, and the heap stays small (`_keep_heap_small`)."""
    global _tuned
    with _lock:
        if not _tuned:
            _log_to_stderr()
            _keep_heap_small()
            _tuned = True


def _log_to_stderr() -> None:
    """What catdog does in the server (models loaded and evicted, jobs queued) goes to its stderr,
    in the format the training workers write to their logs."""
    from catdog.jobs import LOG_FORMAT

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    catdog_log = logging.getLogger("catdog")
    catdog_log.addHandler(handler)
    catdog_log.setLevel(logging.INFO)


def return_freed_memory() -> None:
    """Give the heap that TensorFlow's start-up freed back to the system (glibc keeps it
    otherwise): a hosted instance has 2.7 GB for everyone, and this is ~100 MB of it.
    Called after a model is loaded."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _keep_heap_small() -> None:
    """Serve big buffers (decoded photos, activations, Grad-CAM gradients) from mmap and
    return them on free. By default glibc raises both thresholds after the first big free
    and then keeps ~60 MB of freed heap per server thread: measured 725 MB with one model
    and a Grad-CAM instead of 664 MB."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1024 * 1024)  # M_TRIM_THRESHOLD


def _libc():
    """The C library; where it is not glibc (macOS: no mallopt, no malloc_trim), nothing is tuned."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None
