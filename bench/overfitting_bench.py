"""The overfitting experiment and its twin with augmentation, on the shared photos.

Both are the one-click runs of the Training curves page (catdog.inside.experiments): MobileNet 0.25
(the weights available offline), 50 training photos per class, Flatten + Dense 512, no
dropout, 20 epochs at learning rate 1e-5, no early stopping; the twin adds the seed recipe's augmentation.
The lesson holds if the first shows a clear train-validation gap that widens over the epochs
and the twin's gap is smaller. Prints one JSON line per run and one with both gaps.

    python bench/overfitting_bench.py [--seed 1337]
"""

import argparse
import tempfile

from common import PHOTOS, report, use_shared_weights

use_shared_weights()

from catdog import jobs  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.inside import experiments  # noqa: E402
from catdog.runs import State  # noqa: E402


def one(config: TrainConfig, models: str, name: str) -> experiments.Gap:
    run = jobs.run_in_foreground(config, models)
    assert run.state == State.DONE, run.status
    gap = experiments.gap(run.history)
    last = run.history[-1]
    report(f"overfitting.{name}", train_accuracy=last["accuracy"], val_accuracy=last["val_accuracy"],
           gap_second_epoch=gap.first, gap_last_3_epochs=gap.last, loss_gap_first=gap.loss_first,
           loss_gap_last=gap.loss_last, kind=gap.kind, seconds=run.metrics.get("seconds"),
           train_images=run.metrics.get("train_images"), epochs=len(run.history))
    return gap


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1337)
    seed = parser.parse_args().seed
    models = tempfile.mkdtemp(prefix="catdog-bench-overfit-")
    base = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025", seed=seed)
    overfit = experiments.overfitting(base)
    plain = one(overfit, models, "without_augmentation")
    augmented = one(experiments.twin(overfit), models, "with_augmentation")
    report("overfitting.lesson", gap_without=plain.last, gap_with=augmented.last,
           widening=plain.widening, twin_smaller=augmented.last < plain.last)


if __name__ == "__main__":
    main()
