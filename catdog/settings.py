"""The one reader of the environment: every `CATDOG_*` variable, the paths, the CPU quota and
the hosted limits, read here and nowhere else in catdog (as Keras's `backend/config.py` and
scikit-learn's `_config.py`).

Values are read when asked for, not at import, so a test or a notebook that sets a variable
is heard (the model cache's size is asked for once, when `catdog.use.predict` is imported). The
variables, with their defaults:

    CATDOG_DATA_DIR ./data            datasets            CATDOG_MODELS_DIR ./models      run folders
    CATDOG_CACHE_DIR <models>/.feature_cache               CATDOG_OFFLINE      never try the internet
    CATDOG_HOSTED    a class on one server (Limits)        CATDOG_TEACHER_CODE the teacher's code
    CATDOG_MAX_MODELS 3, CATDOG_MAX_MODEL_MB 300           models a process keeps loaded
    CATDOG_TRAINER_IDLE_SECONDS 60, CATDOG_TRAINER_MAX_MB 1800   the trainer's idle wait and memory
    CATDOG_MAX_WAITING_RUNS 3, CATDOG_MAX_KEPT_RUNS 20, CATDOG_MAX_DATASETS 3,
    CATDOG_MAX_UPLOAD_DISK_MB 200     a student's quotas (hosted)
    CATDOG_MAX_CLASS_WAITING_RUNS 60  runs queued or running on a class server, all students together
    CATDOG_MAX_JOB_MINUTES 10 (hosted)   a job's time on the trainer, then it ends with its best weights
    CATDOG_TURN_SECONDS 30 (hosted; 0 elsewhere)   a streaming job's slice: jobs take turns (training/turns.py)
    CATDOG_DECODED_CACHE_MB, CATDOG_MAX_STEP_PHOTOS    a job's memory bounds
    CATDOG_DECODE_BUDGET_MB 512 (hosted 256)          memory for photos being decoded at once
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Hosted mode's memory bounds (bench/job_memory_bench.py measures the heaviest job they allow:
# 1.30 GB with 4 photos a pass, 1.46 GB with 8; the server with a class predicting adds <= 0.74 GB):
# decoding again each epoch costs ~3% of a fine-tuning job's time and saves ~400 MB for 3000 photos.
HOSTED_DECODED_CACHE_MB = 0
HOSTED_STEP_PHOTOS = 4
HOSTED_BACKBONES = ("mobilenet_v2", "mobilenet_v1_025", "simple_cnn")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # the terminal's, a run's train.log, the trainer's
TENSORFLOW_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def truthy(text: str | None) -> bool:
    """How every on/off variable is read: 1, true, yes or on (any case) is on."""
    return (text or "").strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def offline() -> bool:
    """`CATDOG_OFFLINE=1`: never try the internet (weights, the sample photos). For a school without
    it, where each attempt would only wait for a timeout, and for tests that must not depend on it."""
    return truthy(os.environ.get("CATDOG_OFFLINE"))


def hosted() -> bool:
    """`CATDOG_HOSTED=1`: a class shares this server (identities, quotas, the strict `Limits`)."""
    return truthy(os.environ.get("CATDOG_HOSTED"))


def data_root() -> Path:
    """Where datasets live: `CATDOG_DATA_DIR`, default `./data`."""
    return Path(os.environ.get("CATDOG_DATA_DIR", "data"))


def models_root() -> Path:
    """Where run folders live: `CATDOG_MODELS_DIR`, default `./models`."""
    return Path(os.environ.get("CATDOG_MODELS_DIR", "models"))


def feature_cache_folder(models_dir: Path) -> Path:
    """Where a models folder's runs keep the backbone features they share: `CATDOG_CACHE_DIR`, else
    `.feature_cache` beside the run folders."""
    return Path(os.environ.get("CATDOG_CACHE_DIR", Path(models_dir) / ".feature_cache"))


def teacher_code() -> str:
    """The code that makes a browser the teacher's (`CATDOG_TEACHER_CODE`); '' where none is set here."""
    return os.environ.get("CATDOG_TEACHER_CODE", "")


def model_cache_size() -> tuple[int, int]:
    """(models, bytes of weights) a process keeps loaded: three MobileNetV2 models hold ~30 MB of
    weights, a ResNet50 alone ~95 MB."""
    return int(_number("CATDOG_MAX_MODELS", 3)), int(_number("CATDOG_MAX_MODEL_MB", 300) * 1e6)


def trainer_idle_seconds() -> float:
    """How long a trainer waits for more work before it exits."""
    return _number("CATDOG_TRAINER_IDLE_SECONDS", 60)


def trainer_max_mb() -> float:
    """The trainer's memory past which it hands over to a fresh process."""
    return _number("CATDOG_TRAINER_MAX_MB", 1800)


def tf_config() -> str:
    """TensorFlow's `TF_CONFIG` (a multi-worker cluster), unparsed; '' where unset."""
    return os.environ.get("TF_CONFIG", "")


def keras_home() -> str | None:
    """`KERAS_HOME` as set, or None (Keras then uses ~/.keras)."""
    return os.environ.get("KERAS_HOME")


def behind_proxy() -> bool:
    """Whether downloads go through a proxy (`HTTPS_PROXY`), which a direct connection would bypass."""
    return any(os.environ.get(name) for name in ("HTTPS_PROXY", "https_proxy"))


def quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up chatter off a terminal (a value set by hand is kept)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _affinity_cores() -> int:
    """The cores the operating system lets this process run on (all of them where it cannot say)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may keep busy: its CPU affinity, capped by a container's CPU quota
    (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`). A hosted instance of 2 CPUs on a bigger host
    reports the host's cores to `os.cpu_count()`; a thread per host core would then spin for
    cores that are not there (TensorFlow Lite's threads wait for each other at every layer)."""
    cores = _affinity_cores()
    for quota_file, period_file in (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us")):
        try:
            fields = (cgroup / quota_file).read_text().split()
            period = (cgroup / period_file).read_text() if period_file else fields[1]
            quota, period = float(fields[0]), float(period)
        except (OSError, ValueError, IndexError):  # no such file, or "max" / -1: no quota
            continue
        if quota > 0 and period > 0:
            cores = min(cores, -(-int(quota) // int(period)))
        break
    return max(1, cores)


def threads_for_quota(environ=os.environ, cgroup: Path = Path("/sys/fs/cgroup")) -> None:
    """Under a container's CPU quota, tell TensorFlow and OpenMP (oneDNN) how many cores there
    are, before either starts: they size their thread pools by the host's cores otherwise. Set as
    defaults in the environment, so the trainer started from here inherits them; nothing changes
    where the quota is the whole machine, and a value set by hand is kept."""
    cores = usable_cores(cgroup)
    if cores < _affinity_cores():
        for name in TENSORFLOW_THREAD_VARIABLES:
            environ.setdefault(name, str(cores))


@dataclass(frozen=True)
class Limits:
    """What a user of this server may ask for. Hosted mode (`CATDOG_HOSTED=1`) is for a
    class sharing one small instance (~2 CPUs, 2.7 GB): no big backbones, no marathon jobs."""

    hosted: bool
    max_upload_mb: int
    max_images_per_dataset: int
    max_epochs: int
    max_fine_tune_epochs: int
    max_batch_size: int
    backbones: tuple[str, ...] | None  # the backbones a user may train; None: every one of the registry
    # Per student (hosted mode; the teacher has none): so that one student cannot fill the queue or the disk.
    max_waiting_runs: int = 1_000_000  # queued or running at once
    max_kept_runs: int = 1_000_000  # run folders kept
    max_datasets: int = 1_000_000  # imported datasets kept
    max_upload_disk_mb: int = 1_000_000  # photos their imports wrote
    max_job_minutes: float = 0  # a job's time on the trainer; past it the job ends with its best weights; 0: none
    # Per server, whatever the identities (a student who clears the cookie is a new student).
    max_class_waiting_runs: int = 1_000_000  # queued or running, the whole class together
    # Decoded photos a job may keep in memory between passes (fine-tuning, streaming, views):
    # a job's memory then does not grow with the number of photos beyond this.
    decoded_cache_mb: int = 600
    # Photos in one forward and backward pass: a bigger batch is split into passes whose gradients
    # are averaged before one update (activations grow with the batch; see pipeline.step_split).
    max_step_photos: int = 1_000_000
    max_image_size: int = 1024  # a backbone's own default size is always allowed (config.check_limits)
    # Memory every photo decoded at once in one process may take (pages, uploads, the CLI): a photo
    # that alone would take more is refused, others wait for room (`images.DecodeBudget`).
    decode_budget_mb: int = 512
    # Jobs share the trainer in turns (hosted): a job that streams photos trains in slices of about
    # this many seconds and, when another student's run waits, goes back to the queue at a slice's
    # end, saved, to resume later (training/turns.py). 0: a job keeps the trainer to its end.
    turn_seconds: float = 0

    def allows(self, backbone: str) -> bool:
        return self.backbones is None or backbone in self.backbones


def limits() -> Limits:
    if hosted():
        return Limits(True, max_upload_mb=50, max_images_per_dataset=5000, max_epochs=30,
                      max_fine_tune_epochs=10, max_batch_size=64, backbones=HOSTED_BACKBONES,
                      max_waiting_runs=int(_number("CATDOG_MAX_WAITING_RUNS", 3)),
                      max_kept_runs=int(_number("CATDOG_MAX_KEPT_RUNS", 20)),
                      max_datasets=int(_number("CATDOG_MAX_DATASETS", 3)),
                      max_upload_disk_mb=int(_number("CATDOG_MAX_UPLOAD_DISK_MB", 200)),
                      max_class_waiting_runs=int(_number("CATDOG_MAX_CLASS_WAITING_RUNS", 60)),
                      max_job_minutes=_number("CATDOG_MAX_JOB_MINUTES", 10),
                      decoded_cache_mb=int(_number("CATDOG_DECODED_CACHE_MB", HOSTED_DECODED_CACHE_MB)),
                      max_step_photos=int(_number("CATDOG_MAX_STEP_PHOTOS", HOSTED_STEP_PHOTOS)),
                      max_image_size=224, decode_budget_mb=int(_number("CATDOG_DECODE_BUDGET_MB", 256)),
                      turn_seconds=_number("CATDOG_TURN_SECONDS", 30))
    return Limits(False, max_upload_mb=500, max_images_per_dataset=200_000, max_epochs=500,
                  max_fine_tune_epochs=500, max_batch_size=1024, backbones=None,
                  decoded_cache_mb=int(_number("CATDOG_DECODED_CACHE_MB", 600)),
                  decode_budget_mb=int(_number("CATDOG_DECODE_BUDGET_MB", 512)),
                  turn_seconds=_number("CATDOG_TURN_SECONDS", 0))
