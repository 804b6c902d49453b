"""How long a job will take on this server, said before Start, and a faster way to the same end.

The cost of a photo through each backbone (`Backbone.cost_ms`, measured on 2 CPU cores at its
own size) grows with the pixels and shrinks with the cores; the jobs this server has run
calibrate it (`calibration`): the same settings on a busier or slower server read longer.
Importing this module is cheap (no TensorFlow): the Train page shows the figure as settings change.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass

from catdog import settings
from catdog.config import TrainConfig
from catdog.network import backbones
from catdog.run_state import State
from catdog.training.plan import Route, plan_training

DECODE_MS = 3.0  # reading, decoding and resizing one photo (about 500 px), a photo per core at once
# Random augmentation of a streamed photo, per megapixel, per transform (the augmentation layers
# run one after another on the CPU): a rotation, translation, shear or zoom warps the whole photo;
# brightness, contrast, saturation, hue, erasing and grayscale are cheaper. On the shared photos at
# 320 px, 2 cores: "light" 13 ms a photo, "strong" 48 ms, decoding alone 2 ms (bench/estimate_bench.py).
GEOMETRIC_MS_PER_MEGAPIXEL = 65.0
COLOUR_MS_PER_MEGAPIXEL = 35.0
GEOMETRIC = ("rotation", "shear", "zoom")  # width and height shifts are one translation
COLOUR = ("brightness", "contrast", "saturation", "hue", "erasing", "grayscale")
EXTRACTION_SHARE = 0.22  # TensorFlow Lite's forward pass against Keras's (13 s for 5 984 views at 320 px)
CONVERT_SECONDS = 5.0  # converting the backbone for TensorFlow Lite, once a job
HEAD_EPOCH_SECONDS = 0.15  # an epoch of the head alone on cached features (2 000 photos)
FASTER_VIEWS = 5  # cached augmented views offered instead of streaming
MEASURED_ON_CORES = 2


@dataclass(frozen=True)
class Estimate:
    seconds: float  # every epoch run (early stopping may end it sooner); measured within ~15% (estimate_bench)
    calibrated: bool  # scaled by this server's finished jobs
    faster: dict | None = None  # settings that reach much the same in less time, e.g. {"augmented_views": 5}
    faster_seconds: float | None = None


def seconds_per_photo(config: TrainConfig, kind: str, factor: float = 1.0) -> float:
    """One photo of `config` through its network: `kind` "forward" (features, validation),
    "stream" (a streamed training step, frozen base or from scratch) or "fine_tune"."""
    entry = backbones.get(config.backbone)
    forward, stream, fine_tune = entry.cost_ms
    compute = {"forward": forward, "stream": stream, "fine_tune": fine_tune}[kind]
    pixels = (config.image_size / entry.default_size) ** 2
    # Both streamed phases augment (fine-tuning too: streaming.py); a forward pass does not.
    augmenting = augmentation_ms(config.augmentation, config.image_size) if kind != "forward" else 0.0
    cores = MEASURED_ON_CORES / max(1.0, settings.usable_cores())
    return factor * (compute * pixels + augmenting + DECODE_MS) * cores / 1000


def augmentation_ms(augmentation, image_size: int) -> float:
    """Milliseconds of random augmentation for one photo of `image_size` pixels a side."""
    transforms = sum(bool(getattr(augmentation, name)) for name in GEOMETRIC)
    transforms += bool(augmentation.width_shift or augmentation.height_shift)
    colours = sum(bool(getattr(augmentation, name)) for name in COLOUR)
    megapixels = image_size ** 2 / 1e6
    return megapixels * (transforms * GEOMETRIC_MS_PER_MEGAPIXEL + colours * COLOUR_MS_PER_MEGAPIXEL)


def calibration(listed: list) -> tuple[float, bool]:
    """(factor, calibrated): this server's streamed epochs, measured over predicted (the median of
    the latest 20), or 1 where it has run none. Clamped to 0.3..5: one odd epoch never rules."""
    ratios = []
    for run in sorted(listed, key=lambda run: run.status.get("ended", 0), reverse=True):
        if run.state != State.DONE or not run.metrics.get("train_images"):
            continue
        kinds = {1: "stream", 2: "fine_tune"}
        streamed_phase1 = plan_training(run.config).route in (Route.STREAMING, Route.SCRATCH)
        for row in run.history:
            phase = row.get("phase")
            if not row.get("seconds") or (phase == 1 and not streamed_phase1) or phase not in kinds:
                continue
            predicted = streamed_epoch_seconds(run.config, run.metrics["train_images"],
                                        run.metrics.get("validation_images", 0), kinds[phase])
            ratios.append(row["seconds"] / predicted)
        if len(ratios) >= 20:
            break
    if not ratios:
        return 1.0, False
    return min(5.0, max(0.3, statistics.median(ratios))), True


def streamed_epoch_seconds(config: TrainConfig, train: int, validation: int, kind: str, factor: float = 1.0) -> float:
    """One streamed epoch: `train` photos through a training step of `kind`, `validation` forward."""
    return train * seconds_per_photo(config, kind, factor) + validation * seconds_per_photo(config, "forward", factor)


def _extraction(config: TrainConfig, photos: int, views: int, augmented: bool, factor: float) -> float:
    """Features of `photos` photos, `views` each, through the backbone converted for the CPU (TensorFlow
    Lite: `EXTRACTION_SHARE` of Keras's forward pass); each photo decoded once."""
    entry = backbones.get(config.backbone)
    per_view = entry.cost_ms[0] * (config.image_size / entry.default_size) ** 2 * EXTRACTION_SHARE
    if augmented:
        per_view += augmentation_ms(config.augmentation, config.image_size)
    cores = MEASURED_ON_CORES / max(1.0, settings.usable_cores())
    return factor * photos * (views * per_view + DECODE_MS) * cores / 1000


def fine_tuning_seconds(config: TrainConfig, train: int, validation: int) -> float:
    """Phase 2's time, if the job fine-tunes: its epochs, streamed."""
    if not plan_training(config).fine_tune:
        return 0.0
    return config.fine_tune_epochs * streamed_epoch_seconds(config, train, validation, "fine_tune")


def job_seconds(config: TrainConfig, train: int, validation: int, factor: float = 1.0) -> float:
    """The job's time with every epoch run and its features computed (none found on disk)."""
    plan = plan_training(config)
    validation_views = 2 if config.test_time_mirror else 1
    head = config.epochs * HEAD_EPOCH_SECONDS * max(train, 1) / 2000
    if plan.features_cached:
        train_views = plan.views if plan.route is Route.VIEWS else (2 if config.mirror_views else 1)
        seconds = CONVERT_SECONDS + head + _extraction(config, train, train_views, plan.route is Route.VIEWS, factor)
        seconds += _extraction(config, validation, validation_views, False, factor)
    else:
        seconds = config.epochs * streamed_epoch_seconds(config, train, validation, "stream", factor)
    if plan.fine_tune:
        seconds += config.fine_tune_epochs * streamed_epoch_seconds(config, train, validation, "fine_tune", factor)
    if plan.fine_tune or not plan.features_cached:  # the final evaluation, through the whole network
        seconds += validation * validation_views * seconds_per_photo(config, "forward", factor)
    return seconds


def estimate(config: TrainConfig, train: int, validation: int, listed: list = ()) -> Estimate:
    """`config`'s time on this server for `train` and `validation` photos, calibrated by the
    finished runs `listed`, with a faster equivalent where one exists: cached augmented views
    instead of streaming augmented photos every epoch (`Route.VIEWS`)."""
    factor, calibrated = calibration(list(listed))
    seconds = job_seconds(config, train, validation, factor)
    if plan_training(config).route is Route.STREAMING:
        faster = dataclasses.replace(config, augmented_views=FASTER_VIEWS)
        quicker = job_seconds(faster, train, validation, factor)
        if quicker < seconds * 0.7:
            return Estimate(seconds, calibrated, {"augmented_views": FASTER_VIEWS}, quicker)
    return Estimate(seconds, calibrated)
