"""The seed recipe against catdog's default `train` command, side by side in one run.

(a) A faithful reference of the seed course's recipe, written here and not in catdog:
    ImageDataGenerator streaming every image through the frozen backbone in every epoch
    (rescale 1/255, rotation 20, zoom 0.2, horizontal flip), GAP -> Dense(512, relu) ->
    Dense(2, softmax), adam, categorical cross-entropy, 150 px, batch 32, 10 epochs.
(b) `python -m catdog train --data PHOTOS --backbone mobilenet_v1_025`, the whole command timed
    from outside: the first run on this machine (the extractor converted for TensorFlow Lite and kept
    beside the weights), cold (fresh models folder, no feature cache), then a relaunch with other head
    settings (features cached; the trainer the first command started is still warm), then the
    same relaunch in a new process (`--foreground`: TensorFlow imported again).
Targets (issue #15): cold <= 1/12 of (a)'s wall time, relaunch <= 1/40. Each catdog line prints
where its time went (metrics.json's time_breakdown; "start-up" is the rest of the wall time:
Python, imports, and handing the run to the trainer). `--seeds` adds the default's validation
accuracy over three seeds, `--fine-tune N` the same with N fine-tuning epochs.

    python bench/train_bench.py [--epochs 10] [--seeds] [--fine-tune 2]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from common import PHOTOS, ROOT, PeakRss, report, use_shared_weights

use_shared_weights()

TRAIN_IMAGES = sum(1 for _ in (PHOTOS / "train").rglob("*.jpg"))
SEEDS = (1337, 1, 2)  # 1337: TrainConfig's default
PLAIN = ("--image-size", 224, "--no-mirror-views", "--no-test-time-mirror")  # the levers' cost, for comparison


def seed_recipe(epochs: int) -> dict:
    import keras
    from keras.src.legacy.preprocessing.image import ImageDataGenerator  # gone from the public API

    augmenting = ImageDataGenerator(rescale=1 / 255, rotation_range=20, zoom_range=0.2, horizontal_flip=True)
    train = augmenting.flow_from_directory(PHOTOS / "train", target_size=(150, 150), batch_size=32,
                                           class_mode="categorical", seed=1337)
    validation = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        PHOTOS / "validation", target_size=(150, 150), batch_size=32, class_mode="categorical", shuffle=False)
    base = keras.applications.MobileNet(input_shape=(150, 150, 3), alpha=0.25, include_top=False,
                                        weights="imagenet")
    base.trainable = False
    model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, epochs=epochs, validation_data=validation, verbose=0)
    return {"val_accuracy": float(model.evaluate(validation, verbose=0, return_dict=True)["accuracy"])}


def command(models: str, *flags) -> dict:
    """`python -m catdog train` with the default settings plus `flags`: its wall time and summary."""
    environment = {**os.environ, "CATDOG_TRAINER_IDLE_SECONDS": "120"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(PHOTOS), "--backbone",
                           "mobilenet_v1_025", "--models-dir", models, "--json", "--quiet", *map(str, flags)],
                          cwd=ROOT, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"catdog train failed:\n{done.stderr[-3000:]}")
    summary = json.loads(done.stdout)
    breakdown = {"start-up": round(wall - summary["seconds"], 3), **summary["time_breakdown"]}
    return {"wall_seconds": wall, "val_accuracy": summary["val_accuracy"], "epochs_run": summary["epochs_run"],
            "time_breakdown": breakdown, "run_dir": summary["run_dir"]}


def trainer_peak_mb(run_dir: str) -> float:
    """The trainer's peak resident memory (it is still alive, waiting for the next command)."""
    pid = json.load(open(os.path.join(run_dir, "status.json"))).get("pid")
    try:
        return next(int(line.split()[1]) / 1024 for line in open(f"/proc/{pid}/status") if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        return 0.0


def accuracy_over_seeds(models: str, name: str, *flags) -> None:
    accuracies = [command(models, "--seed", seed, *flags)["val_accuracy"] for seed in SEEDS]
    report("train_accuracy", path=name, seeds=list(SEEDS), val_accuracy=accuracies,
           mean=sum(accuracies) / len(accuracies), minimum=min(accuracies))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10, help="the seed recipe's epochs")
    parser.add_argument("--seeds", action="store_true", help="validation accuracy over three seeds")
    parser.add_argument("--fine-tune", type=int, default=0, help="... and with this many fine-tuning epochs")
    args = parser.parse_args()
    with PeakRss() as memory:
        started = time.perf_counter()
        reference = seed_recipe(args.epochs)
        reference_seconds = time.perf_counter() - started
    report("train", path="seed_recipe", wall_seconds=reference_seconds,
           images_per_second=TRAIN_IMAGES * args.epochs / reference_seconds, peak_rss_mb=memory.peak, **reference)
    # The very first run on a machine also converts the extractor for TensorFlow Lite, once, and keeps
    # it beside the downloaded weights (as Keras keeps the weights): reported on its own line.
    first = command(tempfile.mkdtemp(prefix="catdog-bench-first-"))
    report("train", path="catdog_first_run_on_this_machine", **{k: v for k, v in first.items() if k != "run_dir"})
    models = tempfile.mkdtemp(prefix="catdog-bench-runs-")
    cold = command(models)
    report("train", path="catdog_cold", trainer_peak_rss_mb=trainer_peak_mb(cold.pop("run_dir")), **cold)
    relaunch = command(models, "--learning-rate", 0.003, "--dropout", 0.3)
    report("train", path="catdog_relaunch_warm_trainer", **{k: v for k, v in relaunch.items() if k != "run_dir"})
    fresh = command(models, "--learning-rate", 0.003, "--dropout", 0.3, "--foreground")
    report("train", path="catdog_relaunch_new_process", **{k: v for k, v in fresh.items() if k != "run_dir"})
    report("train_comparison", first_run_fraction=first["wall_seconds"] / reference_seconds,
           cold_fraction=cold["wall_seconds"] / reference_seconds, cold_target=1 / 12,
           relaunch_fraction=relaunch["wall_seconds"] / reference_seconds, relaunch_target=1 / 40,
           relaunch_new_process_fraction=fresh["wall_seconds"] / reference_seconds,
           accuracy_gain=cold["val_accuracy"] - reference["val_accuracy"])
    # What the accuracy levers cost a cold run: the default less its 320 px and its mirrors (#15's table).
    plain = command(tempfile.mkdtemp(prefix="catdog-bench-plain-"), *PLAIN)
    report("train", path="catdog_cold_224_px_no_mirrors", fraction=plain["wall_seconds"] / reference_seconds,
           **{k: v for k, v in plain.items() if k != "run_dir"})
    if args.seeds:
        accuracy_over_seeds(models, "default")
    if args.fine_tune:
        accuracy_over_seeds(models, f"fine-tune {args.fine_tune} epochs", "--fine-tune-epochs", args.fine_tune)
