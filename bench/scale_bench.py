"""Scale: 10x the shared photos (re-encoded with small jitter) against 1x, same settings.

Targets: time per image within 1.2x of the 1x figure, and peak memory flat. Each run is
`python -m catdog train` (tiny backbone, 10 epochs) in its own process, with a fresh
models folder so no feature comes from the cache.

    python bench/scale_bench.py [--copies 10]
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageEnhance

from common import PHOTOS, ROOT, PeakRss, report, use_shared_weights


def jittered_copy(job):
    source, target, seed = job
    rng = random.Random(seed)
    image = Image.open(source).convert("RGB")
    w, h = image.size
    dx, dy = rng.randint(0, 4), rng.randint(0, 4)
    image = image.crop((dx, dy, w - rng.randint(0, 4), h - rng.randint(0, 4)))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.97, 1.03))
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, quality=rng.randint(85, 95))


def make_copies(root: Path, copies: int) -> Path:
    jobs = [(path, root / path.relative_to(PHOTOS).parent / f"{path.stem}_{k}.jpg", hash((path.name, k)))
            for path in PHOTOS.rglob("*.jpg") for k in range(copies)]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(jittered_copy, jobs, chunksize=64))
    return root


def train(data: Path) -> dict:
    models = tempfile.mkdtemp(prefix="catdog-scale-models-")
    process = subprocess.Popen([sys.executable, "-m", "catdog", "train", "--data", str(data), "--backbone",
                                "mobilenet_v1_025", "--epochs", "10", "--quiet", "--models-dir", models],
                               cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    with PeakRss(process.pid) as memory:
        process.wait()
    seconds = time.perf_counter() - started
    images = sum(1 for _ in data.rglob("*.jpg"))
    return {"images": images, "wall_seconds": seconds, "ms_per_image": seconds / images * 1000,
            "peak_rss_mb": memory.peak, "exit_code": process.returncode}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    copies = parser.parse_args().copies
    use_shared_weights()
    one = train(PHOTOS)
    report("scale", scale="1x", **one)
    with tempfile.TemporaryDirectory(prefix="catdog-scale-data-") as folder:
        many = train(make_copies(Path(folder), copies))
    report("scale", scale=f"{copies}x", **many)
    report("scale_comparison", time_per_image_ratio=many["ms_per_image"] / one["ms_per_image"],
           target_time_ratio=1.2, memory_ratio=many["peak_rss_mb"] / one["peak_rss_mb"])
