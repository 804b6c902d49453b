"""Taking a model out of catdog: TensorFlow Lite (checked against Keras) and a model card."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np

from catdog import images, runs
from catdog.errors import CatdogError

# Float TFLite matches Keras to rounding (measured: 4e-6). Dynamic-range quantization stores
# weights in 8 bits; on the tiny MobileNet 0.25 that moved probabilities by up to 0.17 on
# the shared photos, so the quantized check also demands the same top class on >= 90%.
TOLERANCE = {False: 1e-4, True: 0.25}
MIN_TOP_CLASS_AGREEMENT = 0.9


def to_tflite(run: runs.Run, quantize: bool = False) -> bytes:
    """The run's model as a .tflite flatbuffer; `quantize` gives dynamic-range int8 weights."""
    import tensorflow as tf

    from catdog.model import load_model

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
    """How far TFLite's probabilities are from Keras's on the same photos."""
    from catdog.predict import predictor_for

    predictor = predictor_for(run.path)
    batch = np.stack([images.load_for_model(p, run.config.image_size) for p in photos])
    keras_probabilities = predictor.forward(batch)
    lite_probabilities = tflite_probabilities(flatbuffer, batch)
    difference = float(np.abs(keras_probabilities - lite_probabilities).max())
    same_top = float((keras_probabilities.argmax(1) == lite_probabilities.argmax(1)).mean())
    return {"photos": len(photos), "max_abs_difference": difference, "tolerance": TOLERANCE[quantize],
            "top_class_agreement": same_top,
            "within_tolerance": difference <= TOLERANCE[quantize] and same_top >= MIN_TOP_CLASS_AGREEMENT}


def export_tflite(ref, out, quantize: bool = False, photos: list | None = None, models_dir=None) -> dict:
    """Write the .tflite file and check it against Keras on sample photos (from the run's data)."""
    run = runs.load_run(ref, models_dir)
    flatbuffer = to_tflite(run, quantize)
    if photos is None:
        from catdog import data

        dataset = data.load_dataset(run.config.data_dir, run.config.validation_fraction, run.config.seed)
        photos = dataset.validation.paths[:: max(1, len(dataset.validation.paths) // 16)][:16]
    check = parity(run, flatbuffer, photos, quantize)
    if not check["within_tolerance"]:
        raise CatdogError("tflite_disagrees", difference=check["max_abs_difference"],
                          agreement=check["top_class_agreement"], tolerance=check["tolerance"],
                          min_agreement=MIN_TOP_CLASS_AGREEMENT)
    runs.write_atomic(Path(out), flatbuffer)
    return {"out": str(out), "bytes": len(flatbuffer), "quantized": quantize, **check}


def model_card(ref, models_dir=None, full_paths: bool = True) -> str:
    """A markdown model card: data, classes, settings, metrics, how to use it, and what it cannot do."""
    run = runs.load_run(ref, models_dir)
    c, m, s = run.config, run.metrics, run.config.image_size
    if not full_paths:  # a card handed to a student of a shared server: the dataset's name, not where it lives
        c = dataclasses.replace(c, data_dir=Path(c.data_dir).name)
    classes = ", ".join(run.class_names) or "unknown"
    lines = [
        f"# Model card: {run.id}", "",
        (f"An image classifier for **{classes}**, made with catdog by transfer learning from "
         f"`{c.backbone}` ({'ImageNet weights' if c.weights == 'imagenet' else 'random initial weights'})."), "",
        "## Data", f"- Dataset: `{c.data_dir}`",
        f"- Training photos: {m.get('train_images', '?')}; validation photos: {m.get('validation_images', '?')}",
        f"- Unreadable photos skipped: {len(m.get('skipped_files', []))}", "",
        "## Settings", "| setting | value |", "|---|---|",
        *[f"| {key} | {value} |" for key, value in c.to_dict().items() if key != "augmentation"],
        f"| augmentation | {'on: ' + str(c.augmentation) if c.augmentation.enabled else 'off'} |", "",
        "## Metrics (validation photos)",
        f"- Accuracy: {m.get('val_accuracy', float('nan')):.4f}; loss: {m.get('val_loss', float('nan')):.4f}",
        f"- Epochs run: {m.get('epochs_run', '?')}; training time: {m.get('seconds', '?')} s", "",
        "## How to use this model",
        ("`model.keras` opens in Python with only Keras 3 and TensorFlow installed (catdog is not needed), "
         "in Keras's default safe mode."),
        (f"- Input: raw RGB photos, 0-255, as float32 of shape (N, {s}, {s}, 3). No preprocessing: "
         f"the scaling `{c.backbone}` needs is inside the model."),
        f"- Output: softmax probabilities of shape (N, {len(run.class_names)}), in this class order: {classes}.",
        ("- catdog resizes photos with `tf.image.resize` (bilinear, no antialiasing); another resize "
         "gives slightly different probabilities."), "",
        "```python",
        "import keras, numpy as np",
        "from PIL import Image",
        'model = keras.saving.load_model("model.keras")',
        f'pixels = np.asarray(Image.open("photo.jpg").convert("RGB").resize(({s}, {s})), "float32")',
        f"print(dict(zip({list(run.class_names)!r}, model.predict(pixels[None], verbose=0)[0].tolist())))",
        "```", "",
        "## Limits",
        (f"- Trained on {m.get('train_images', 'a few thousand')} photos. It only knows {classes}: a photo "
         f"of anything else (another animal, a drawing, a person) still gets one of these answers."),
        ("- Photos unlike the training ones (very dark, tiny, several animals, unusual angles) are "
         "more often wrong; check the Evaluate page's most confident mistakes."),
        "- Probabilities are the model's confidence, not a guarantee; a high one can still be wrong.",
    ]
    return "\n".join(lines) + "\n"
