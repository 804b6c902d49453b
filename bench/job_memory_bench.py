"""Peak memory of training jobs on a shared (hosted) server, and that it does not grow with photos.

A class's instance has ~2.7 GB for the app server and the trainer together. Each job below runs
as the CLI does (`python -m catdog train`), with CATDOG_HOSTED=1 so the server's limits apply
(`catdog.settings.limits`: no decoded-photo cache, at most 4 photos per forward/backward pass,
photos at most 224 px); each config is first checked with `check_limits`, so only jobs a
student may launch are measured. weights=none has the compute and memory of ImageNet weights.

- the issue's job (tiny backbone, 3 fine-tuning epochs) on 400 photos and on all 2992:
  the peaks should match (the bound does not depend on the number of photos);
- the same job with a laptop's settings (decoded photos kept, whole batches): what was held;
- the heaviest jobs hosted mode allows: MobileNetV2 with every layer fine-tuned, and the
  from-scratch CNN, both at 224 px, batch 64, augmentation streamed.

    python bench/job_memory_bench.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PHOTOS, ROOT, PeakRss, report, use_shared_weights

use_shared_weights()
work = Path(tempfile.mkdtemp(prefix="catdog-bench-job-memory-"))


def subset(per_class: int) -> Path:
    """The first `per_class` photos of each class in each split, as symlinks."""
    root = work / f"photos_{per_class}"
    for source in PHOTOS.glob("*/*"):
        if source.is_dir():
            target = root / source.parent.name / source.name
            target.mkdir(parents=True)
            for photo in sorted(source.iterdir())[:per_class]:
                (target / photo.name).symlink_to(photo)
    return root


def measure(name: str, photos: Path, hosted: bool = True, **settings) -> None:
    env = {**os.environ, "CATDOG_MODELS_DIR": str(work / "models"), "CATDOG_HOSTED": "1" if hosted else "0"}
    if hosted:  # only what a student may launch there
        check = ("import json, sys; from catdog.data import augment; "
                 "from catdog.config import TrainConfig, check_limits;"
                 "values = json.loads(sys.argv[1]); values['augmentation'] = augment.from_text("
                 "values.get('augmentation', 'none')); check_limits(TrainConfig(**values))")
        subprocess.run([sys.executable, "-c", check, json.dumps({"data_dir": str(photos), **settings})],
                       cwd=ROOT, env=env, check=True)
    flags = [part for key, value in settings.items() for part in (f"--{key.replace('_', '-')}", str(value))]
    started = time.perf_counter()
    job = subprocess.Popen([sys.executable, "-m", "catdog", "train", "--data", str(photos), *flags, "--quiet"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakRss(job.pid) as memory:
        _, errors = job.communicate()
    if job.returncode:
        sys.exit(f"{name} failed:\n{errors.decode()[-2000:]}")
    photo_count = sum(1 for _ in photos.glob("*/*/*"))
    report(f"job_memory_{name}", hosted=hosted, photos=photo_count, **settings, peak_rss_mb=memory.peak,
           seconds=time.perf_counter() - started)


tiny_fine_tune = dict(backbone="mobilenet_v1_025", fine_tune_epochs=3)
few = subset(100)
measure("tiny_fine_tune_400_photos", few, **tiny_fine_tune)
measure("tiny_fine_tune_all_photos", PHOTOS, **tiny_fine_tune)
measure("tiny_fine_tune_all_photos_laptop_settings", PHOTOS, hosted=False, **tiny_fine_tune)
heaviest = dict(weights="none", image_size=224, batch_size=64, epochs=1, augmentation="seed recipe")
measure("heaviest_mobilenet_v2_every_layer_fine_tuned", few, backbone="mobilenet_v2", fine_tune_epochs=1,
        fine_tune_at=1000, **heaviest)
measure("heaviest_from_scratch", few, backbone="simple_cnn", **heaviest)
