"""Taking a model out of catdog: TensorFlow Lite (checked against Keras) and a model card."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np

from catdog import runs, storage
from catdog.data import augment, folders, images
from catdog.errors import CatdogError
from catdog.language import FORMATTERS
from catdog.use import card_text
from catdog.use.predict import predictor_for

# What a converted file must do to be written. A float flatbuffer computes the same function as
# Keras: its probabilities match to rounding (measured: 6e-6), so more than FLOAT_TOLERANCE is a
# broken conversion. Dynamic-range quantization stores the weights in 8 bits and moves the
# probabilities of a small network a lot (MobileNet 0.25 after 5 epochs on 400 of the shared photos:
# up to 0.26, and the top class changed on 12 of 200 validation photos): a user accepts that only if
# the answers stay the same, so a quantized file must give Keras's top class on every checked photo;
# its largest difference is reported, not judged.
FLOAT_TOLERANCE = 1e-3
CHECKED_PHOTOS = 20  # validation photos, evenly spread over the split (and so over its classes)


def to_tflite(run: runs.Run, quantize: bool = False) -> bytes:
    """The run's model as a .tflite flatbuffer; `quantize` gives dynamic-range int8 weights."""
    import tensorflow as tf

    from catdog.network.model import load_model

    if not run.has_model:
        raise CatdogError("export_without_model", run=run.id, state=run.state)
    model = load_model(run.model_path)
    with tempfile.TemporaryDirectory() as folder:
        # Through a SavedModel: the most reliable converter path for Keras 3 models.
        model.export(folder, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        if quantize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()


def tflite_probabilities(flatbuffer: bytes, batch: np.ndarray) -> np.ndarray:
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_content=flatbuffer)
    input_detail = interpreter.get_input_details()[0]
    output_detail = interpreter.get_output_details()[0]
    outputs = []
    for pixels in batch.astype(np.float32):
        interpreter.resize_tensor_input(input_detail["index"], (1, *pixels.shape))
        interpreter.allocate_tensors()
        interpreter.set_tensor(input_detail["index"], pixels[None])
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(output_detail["index"])[0])
    return np.stack(outputs)


def parity(run: runs.Run, flatbuffer: bytes, photos: list, quantize: bool) -> dict:
    """TFLite against Keras on the same photos: on how many the top class is the same, and the
    largest difference between their probabilities."""
    predictor = predictor_for(run.path)
    batch = np.stack([images.load_for_model(p, run.config.image_size) for p in photos])
    # The file computes the model on one view. catdog's own answers may average each photo with its
    # mirror (the run's test_time_mirror): compared with those, a faithful float file differed by 0.05.
    keras_probabilities = predictor.forward(batch, mirror=False)
    lite_probabilities = tflite_probabilities(flatbuffer, batch)
    return {"photos": len(photos), "quantized": quantize, "tolerance": None if quantize else FLOAT_TOLERANCE,
            "same_top_class": int((keras_probabilities.argmax(1) == lite_probabilities.argmax(1)).sum()),
            "max_abs_difference": float(np.abs(keras_probabilities - lite_probabilities).max())}


def check_parity(check: dict) -> None:
    """Refuse a converted model whose answers a user could not trust (see FLOAT_TOLERANCE above)."""
    if check["quantized"] and check["same_top_class"] < check["photos"]:
        raise CatdogError("tflite_top_class_differs", photos=check["photos"],
                          differ=check["photos"] - check["same_top_class"], difference=check["max_abs_difference"])
    # "not <=": a NaN from a broken conversion is refused too.
    if not check["quantized"] and not check["max_abs_difference"] <= check["tolerance"]:
        raise CatdogError("tflite_float_differs", photos=check["photos"], difference=check["max_abs_difference"],
                          tolerance=check["tolerance"])


def export_tflite(ref, out, quantize: bool = False, photos: list | None = None, models_dir=None) -> dict:
    """Write the .tflite file once it passed the check against Keras on sample photos (by default,
    CHECKED_PHOTOS of the run's validation photos); returns the file's size and the check."""
    run = runs.load_run(ref, models_dir)
    flatbuffer = to_tflite(run, quantize)
    if photos is None:
        config = run.config
        validation = folders.load_dataset(config.data_dir, config.validation_fraction, config.seed).validation
        photos = validation.paths[:: max(1, len(validation.paths) // CHECKED_PHOTOS)][:CHECKED_PHOTOS]
    check = parity(run, flatbuffer, photos, quantize)
    check_parity(check)
    storage.write_atomic(Path(out), flatbuffer)
    return {"out": str(out), "bytes": len(flatbuffer), **check}


def model_card(ref, models_dir=None, full_paths: bool = True, language: str = "en") -> str:
    """A markdown model card: data, classes, settings, metrics, how to use it, and what it cannot do,
    in English or Brazilian Portuguese (`language` "en" or "pt"; the code in it is the same in both)."""
    if language not in card_text.LANGUAGES:
        raise CatdogError("unknown_card_language", language=language, allowed=", ".join(card_text.LANGUAGES))
    numbers = FORMATTERS[language]  # 0,9750 in Portuguese
    say = lambda key, **values: numbers.format(card_text.CARD[key][language], **values)
    run = runs.load_run(ref, models_dir)
    config, metrics = run.config, run.metrics
    if not full_paths:  # a card handed to a student of a shared server: the dataset's name, not where it lives
        config = dataclasses.replace(config, data_dir=Path(config.data_dir).name)
    classes = ", ".join(run.class_names) or say("unknown_classes")
    augmentation = (say("augmentation_on", config=augment.to_text(config.augmentation)) if config.augmentation.enabled
                    else say("augmentation_off"))
    lines = [
        say("title", run=run.id), "",
        say("intro", classes=classes, backbone=config.backbone,
            weights=say("weights.imagenet" if config.weights == "imagenet" else "weights.none")), "",
        say("data"), say("dataset", data_dir=config.data_dir),
        say("photos", train=metrics.get("train_images", "?"), validation=metrics.get("validation_images", "?")),
        say("skipped", count=len(metrics.get("skipped_files", []))), "",
        say("settings"), say("settings_header"), "|---|---|",
        *[numbers.format("| {} | {} |", name, value) for name, value in config.to_dict().items()
          if name != "augmentation"],
        f"| augmentation | {augmentation} |", "",
        say("metrics"),
        say("accuracy", accuracy=metrics.get("val_accuracy", float("nan")), loss=metrics.get("val_loss", float("nan"))),
        say("epochs", epochs=metrics.get("epochs_run", "?"), seconds=metrics.get("seconds", "?")), "",
        say("use"), say("use.opens"), say("use.input", size=config.image_size, backbone=config.backbone),
        say("use.output", count=len(run.class_names), classes=classes), say("use.resize"),
        *([say("use.mirror")] if config.test_time_mirror else []), "",
        *_snippet(run), "",
        say("limits"),
        say("limits.only", train=metrics.get("train_images", say("limits.few_thousand")), classes=classes),
        say("limits.unlike"), say("limits.confidence"),
    ]
    return "\n".join(lines) + "\n"


def download_name(run: runs.Run) -> str:
    """The model file's name when downloaded: the run's id, so two downloads never clash."""
    return f"{run.id}.keras"


def _snippet(run: runs.Run) -> list[str]:
    """The card's Python code, the same in every language: it loads the model in plain Keras, by the
    name the Export page's download gives it (`download_name`)."""
    size = run.config.image_size
    return [
        "```python",
        "import keras, numpy as np",
        "from PIL import Image",
        f'model = keras.saving.load_model("{download_name(run)}")',
        f'pixels = np.asarray(Image.open("photo.jpg").convert("RGB").resize(({size}, {size})), "float32")',
        f"print(dict(zip({list(run.class_names)!r}, model.predict(pixels[None], verbose=0)[0].tolist())))",
        "```",
    ]
