"""The classic mistake, measured: pixels / 255 instead of the backbone's own `preprocess_input`.

Two `python -m catdog train` runs on the shared photos with MobileNet 0.25 (the ImageNet weights
on hand), catdog's defaults otherwise: `--preprocessing backbone` (right) and `--preprocessing
rescale` (the mistake). Each extracts its own features (the preprocessing is part of the
network). The Inside the network page's experiment launches the same pair.

    python bench/preprocessing_bench.py [--seeds 1337 1 2]
"""

import argparse
import json
import subprocess
import sys
import tempfile

from common import PHOTOS, ROOT, report, use_shared_weights

use_shared_weights()


def train(models: str, preprocessing: str, seed: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(PHOTOS), "--backbone",
                           "mobilenet_v1_025", "--preprocessing", preprocessing, "--seed", str(seed),
                           "--models-dir", models, "--json", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"catdog train failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1337])
    args = parser.parse_args()
    models = tempfile.mkdtemp(prefix="catdog-bench-preprocessing-")
    for preprocessing in ("backbone", "rescale"):
        accuracies = [train(models, preprocessing, seed)["val_accuracy"] for seed in args.seeds]
        report("preprocessing", preprocessing=preprocessing, seeds=args.seeds, val_accuracy=accuracies,
               mean=sum(accuracies) / len(accuracies))
