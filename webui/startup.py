"""Server process set-up, in one place: logging, glibc's heap settings for a long-lived,
many-threaded server, and TensorFlow warmed in the background.

`tune_process()` is called by the entry point (`streamlit_app.py`) on every run and acts once
per process; nothing here acts when it is imported.
"""

from __future__ import annotations

import logging
import threading
import time

from catdog.memory import keep_heap_small, return_freed_memory

_tuned = False
_lock = threading.Lock()
_import_lock = threading.Lock()
warmed = threading.Event()  # set once the warm-up is over (done or failed): for tests and benches
QUIET_SECONDS = 2.0  # the warm-up waits for a pause this long between page runs
_last_run = [0.0]  # when a page last started to run (`tune_process` is called by every run)
# The import begins with the first page (app_bench, 2 cores): that page 2.0 s instead of 1.5 s, a
# first Augmentation opened at once after it 3.1 s instead of 3.6 s (1.9-2.0 s since Keras no
# longer imports scikit-learn: catdog/__init__.py).
WARM_UP_DELAY = 0.0  # seconds after the first page starts


def tune_process() -> None:
    """Once per server process: catdog logs at INFO, the heap stays small (`memory.keep_heap_small`),
    TensorFlow is warmed in the background (`warm_up`) and the queue is watched (`_watch_queue`)."""
    global _tuned
    _last_run[0] = time.monotonic()
    with _lock:
        if not _tuned:
            _log_to_stderr()
            keep_heap_small()
            _upload_limit()
            if _served():
                threading.Thread(target=warm_up, args=(WARM_UP_DELAY,), name="catdog-warm-up", daemon=True).start()
                threading.Thread(target=_watch_queue, name="catdog-queue-watch", daemon=True).start()
            _tuned = True


def _upload_limit() -> None:
    """Streamlit refuses an upload over `server.maxUploadSize` before it holds it in memory (it reads
    the option per request): on a class server, the hosted limit, not config.toml's 500 MB. The
    core checks the size it received as well (a request that skips the page's uploader)."""
    from streamlit import config

    from catdog.settings import limits

    allowed = limits().max_upload_mb
    if allowed < config.get_option("server.maxUploadSize"):
        config.set_option("server.maxUploadSize", allowed, where_defined="catdog's hosted limits")


def _watch_queue() -> None:
    """A trainer killed with runs waiting is replaced within seconds, with no page open."""
    from catdog import jobs

    jobs.keep_queue_moving()


def _served() -> bool:
    """Whether this process is `streamlit run`'s server. Not under a test's AppTest (whose runtime
    is a stand-in): a test runner's own threads import TensorFlow at any moment, not through
    `import_tensorflow`, and a warm-up beside them could break their import."""
    from streamlit import runtime

    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


def warm_up(delay: float = 0.0) -> None:
    """Import TensorFlow, Keras and plotly, draw one augmentation grid and load the newest model,
    so that the first Augmentation page or prediction after a start does not wait for them (~2 s
    of imports on 2 cores, more while pages are drawn). TensorFlow's import freezes what it made
    (`catdog.import_tensorflow`): nothing later is frozen, as a model a user loads meanwhile
    must stay collectable once evicted (plotly and pandas, left unfrozen, cost a full collection
    ~0.007 s).
    A page that needs TensorFlow before this is done imports it itself (Python's import lock
    makes it wait for this thread's import, not import twice)."""
    try:
        time.sleep(delay)
        started = time.perf_counter()
        import_tensorflow()
        _wait_for_a_pause()
        import numpy as np
        import pandas  # noqa: F401  the charts' tables
        import plotly.express  # noqa: F401  every chart
        from PIL import Image

        from catdog.data import augment, images

        photo = images.load_for_model(Image.new("RGB", (256, 256)), 224)  # the page's size
        grid = np.repeat(photo[None], 12, axis=0)  # the page's first grid: 12 draws, the default preset
        augment.augment_batch(grid, augment.preset("seed recipe"), seed=0).numpy()
        _load_newest_model()
        logging.getLogger("catdog").info("TensorFlow warmed up in %.1f s", time.perf_counter() - started)
    except Exception as error:  # a warm-up that fails costs the first user the wait, nothing else
        logging.getLogger("catdog").info("warm-up skipped: %s", error)
    finally:
        warmed.set()


def _wait_for_a_pause(longest: float = 60.0) -> None:
    """Until no page has started for QUIET_SECONDS (or `longest` passed): the grid and the
    model wait for it. All of the warm-up begun while a newcomer clicked slowed each click's
    answer past 5 s (the browser tests saw it); TensorFlow's import alone, begun with the first
    page, does not (the newcomer test passes 3 in 3), and is what a first Augmentation waits for."""
    deadline = time.monotonic() + longest
    while time.monotonic() - _last_run[0] < QUIET_SECONDS and time.monotonic() < deadline:
        time.sleep(0.2)


def _load_newest_model() -> None:
    """The model Predict opens with (the newest finished run), into the shared, bounded model
    cache: the first prediction after a start does not load it (~1 s, 2 s while pages draw)."""
    from catdog import run_state, runs
    from catdog.settings import models_root
    from catdog.use.predict import CACHE

    finished = [run for run in runs.list_runs(models_root()) if run.state == run_state.State.DONE and run.has_model]
    if finished:
        CACHE.get(finished[0])
        return_freed_memory()


def import_tensorflow() -> None:
    """Import TensorFlow and Keras, one thread at a time. Two threads importing TensorFlow at
    once can each wait for a module the other is importing, and Python then hands one of them a
    half-made module (seen: "dataset_ops has no attribute 'DatasetV2'"). So the warm-up and every
    page, before its first call into catdog that needs TensorFlow, come through here: a page
    opened during the warm-up waits for its import instead of starting a second one. Once
    imported, this costs a lock."""
    import catdog

    with _import_lock:
        # Without the collector, frozen after (catdog.import_tensorflow): 0.35 s less import, and
        # no full collection over its ~400 000 objects at the end of every script run (four after
        # a first Augmentation: 0.5 s before its images could be served).
        catdog.import_tensorflow()


def _log_to_stderr() -> None:
    """What catdog does in the server (models loaded and evicted, jobs queued) goes to its stderr,
    in the format the training workers write to their logs."""
    from catdog.settings import LOG_FORMAT

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    catdog_log = logging.getLogger("catdog")
    catdog_log.addHandler(handler)
    catdog_log.setLevel(logging.INFO)
