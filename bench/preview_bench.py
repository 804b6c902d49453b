"""How fast the Augmentation page redraws: a 12-image 224 px preview (target: under 0.5 s).

Measures what a slider move costs the page: decoding the photo, building the
augmentation layers and augmenting 12 copies, for the seed recipe and the strong preset.
"""

import statistics

import numpy as np

from common import PHOTOS, report, timed, use_shared_weights

use_shared_weights()

from catdog.data import augment, images  # noqa: E402

PHOTO = next((PHOTOS / "train" / "cats").iterdir())


def preview(config, seed):
    original = images.load_for_model(PHOTO, 224)
    return augment.augment_batch(np.repeat(original[None], 12, axis=0), config, seed=seed).numpy()


for name in ("seed recipe", "strong"):
    config = augment.preset(name)
    preview(config, 0)  # first call builds TensorFlow's kernels once per server
    seconds = [timed(preview, config, seed)[1] for seed in range(1, 21)]
    report("augmentation_preview", preset=name, images=12, size=224,
           p50_seconds=statistics.median(seconds), p95_seconds=sorted(seconds)[18],
           target_seconds=0.5)
