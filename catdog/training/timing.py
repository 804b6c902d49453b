"""Where a run's time goes: named parts, summed, written into metrics.json as `time_breakdown`.

The parts are what a user could act on: imports, building the network and loading its
weights, decoding photos, the backbone's forward pass (extraction), the head's training,
fine-tuning, evaluation, saving, TensorBoard logs. bench/train_bench.py prints them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager


class Stopwatch:
    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self._open: dict[str, float] = {}  # parts running now: when they began

    @contextmanager
    def part(self, name: str):
        started = self._open[name] = time.perf_counter()
        try:
            yield
        finally:
            del self._open[name]
            self.seconds[name] += time.perf_counter() - started

    def so_far(self) -> dict[str, float]:
        """`as_dict` with the parts still running counted up to now (a job's save point is written
        in the middle of its training part)."""
        now = time.perf_counter()
        return {name: round(self.seconds.get(name, 0.0) + now - self._open.get(name, now), 3)
                for name in {*self.seconds, *self._open}}

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] += seconds

    def moved(self, source: str, target: str, seconds: float) -> None:
        """`seconds` counted in `source` belong to `target` (e.g. TensorBoard's share of head training)."""
        self.seconds[source] -= seconds
        self.seconds[target] += seconds

    def as_dict(self) -> dict[str, float]:
        return {name: round(seconds, 3) for name, seconds in self.seconds.items()}


def timed_tensorboard(log_dir: str, on_time, epoch_of=None, **kwargs):
    """Keras's TensorBoard callback, whose time in each hook is reported to `on_time(seconds)`:
    its histograms and graph are a visible part of a short run. With `epoch_of(keras_epoch)`
    (slices, training/turns.py) it logs real epochs: the real epoch a slice ends, else None (skipped)."""
    import keras

    class TimedTensorBoard(keras.callbacks.TensorBoard):
        pass

    def timed(name):
        method = getattr(keras.callbacks.TensorBoard, name)

        def hook(self, *args, **kwargs):
            if epoch_of is not None and name in ("on_epoch_begin", "on_epoch_end"):
                real = epoch_of(args[0])
                if real is None:
                    return None
                args = (real, *args[1:])
            started = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                on_time(time.perf_counter() - started)

        return hook

    for name in ("set_model", "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                 "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end"):
        setattr(TimedTensorBoard, name, timed(name))
    return TimedTensorBoard(log_dir, **kwargs)
