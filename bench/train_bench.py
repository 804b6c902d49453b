"""The seed recipe against catdog's default fast path, side by side in one process.

(a) A faithful reference of the seed course's recipe, written here and not in catdog:
    ImageDataGenerator streaming every image through the frozen backbone in every epoch
    (rescale 1/255, rotation 20, zoom 0.2, horizontal flip), GAP -> Dense(512, relu) ->
    Dense(2, softmax), adam, categorical cross-entropy, 150 px, batch 32, 10 epochs.
(b) `catdog train` defaults with the same backbone (MobileNet 0.25): features cached once.
Target: (b) reaches validation accuracy >= (a)'s and >= 0.95 in at most 1/5 of (a)'s time.

    python bench/train_bench.py [--epochs 10]
"""

import argparse
import tempfile
import time

from common import PHOTOS, PeakRss, report, use_shared_weights

use_shared_weights()

import keras  # noqa: E402
from keras.src.legacy.preprocessing.image import ImageDataGenerator  # noqa: E402  (gone from the public API)

from catdog import jobs  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402

TRAIN_IMAGES = sum(1 for _ in (PHOTOS / "train").rglob("*.jpg"))


def seed_recipe(epochs: int) -> dict:
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


def catdog_default(epochs: int) -> dict:
    config = TrainConfig(data_dir=str(PHOTOS), backbone="mobilenet_v1_025", epochs=epochs, batch_size=32)
    run = jobs.run_in_foreground(config, tempfile.mkdtemp(prefix="catdog-bench-runs-"))
    assert run.state == "done", run.status
    return {"val_accuracy": run.metrics["val_accuracy"], "feature_cache": run.metrics["feature_cache"]}


def measure(name: str, function, epochs: int) -> dict:
    with PeakRss() as memory:
        started = time.perf_counter()
        figures = function(epochs)
        seconds = time.perf_counter() - started
    result = {"path": name, "wall_seconds": seconds, "images_per_second": TRAIN_IMAGES * epochs / seconds,
              "peak_rss_mb": memory.peak, **figures}
    report("train", **result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    epochs = parser.parse_args().epochs
    reference = measure("seed_recipe", seed_recipe, epochs)
    fast = measure("catdog_default", catdog_default, epochs)
    report("train_comparison", speedup=reference["wall_seconds"] / fast["wall_seconds"],
           time_fraction=fast["wall_seconds"] / reference["wall_seconds"], target_time_fraction=0.2,
           accuracy_gain=fast["val_accuracy"] - reference["val_accuracy"],
           meets_target=fast["wall_seconds"] <= reference["wall_seconds"] / 5
           and fast["val_accuracy"] >= max(reference["val_accuracy"], 0.95))
