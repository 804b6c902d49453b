"""`Training`: what one run's phases share while it trains (train.py, streaming.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from catdog.config import TrainConfig
from catdog.data import folders
from catdog.training.plan import TrainingPlan
from catdog.training.reporter import Reporter
from catdog.training.timing import Stopwatch
from catdog.training.turns import SavePoint


@dataclass
class Training:
    """What one run's phases share, so each phase is a function of one argument."""

    config: TrainConfig
    plan: TrainingPlan
    dataset: folders.DatasetFiles
    run_dir: Path
    reporter: Reporter
    started: float = field(default_factory=time.time)
    skipped: list = field(default_factory=list)  # (path, reason) of photos that could not be read
    model: object = None
    train_batches: object = None  # tf.data pipelines of decoded photos
    validation_batches: object = None
    final: dict | None = None  # loss and accuracy on the validation photos at the end
    features_reused: int = 0
    phase1_seconds: float = 0.0
    stopwatch: Stopwatch = field(default_factory=Stopwatch)
    resume: SavePoint | None = None  # where an earlier turn stopped (turns.py)
    best_weights: list | None = None  # early stopping's best so far, from the save point
