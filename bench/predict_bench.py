"""One-photo prediction latency (decode + preprocess + forward) vs the bare forward pass.

Target: p50 within 1.3x of the bare forward pass on an already-preprocessed tensor; with
test-time mirror averaging (`mirror=True`), within 1.3x of the bare forward pass of the same two
views (the photo and its mirror in one batch of 2).

    python bench/predict_bench.py
"""

import statistics
import tempfile
import time

import numpy as np

from common import PHOTOS, report, timed, use_shared_weights

use_shared_weights()

from catdog import runs, storage  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.network.model import build_model, graph_function  # noqa: E402
from catdog.runs import State  # noqa: E402
from catdog.use.predict import Predictor  # noqa: E402

for backbone in ("mobilenet_v1_025", "mobilenet_v2"):
    config = TrainConfig(backbone=backbone, weights="imagenet" if backbone == "mobilenet_v1_025" else "none")
    run_dir = runs.create_run(config, tempfile.mkdtemp(prefix="catdog-bench-"))
    runs.save_model(build_model(config, 2), run_dir)  # untrained weights: same cost as trained ones
    storage.write_atomic(run_dir / "class_names", "cats\ndogs\n")
    runs.update_status(run_dir, state=State.DONE)

    predictor, load_seconds = timed(Predictor, runs.load_run(run_dir))
    photos = sorted((PHOTOS / "validation" / "dogs").iterdir())[:60]
    bare_forward = graph_function(predictor.model)  # the model alone, on a preprocessed tensor
    tensor = np.random.default_rng(0).uniform(0, 255, (2, config.image_size, config.image_size, 3)).astype("float32")
    for views in (1, 2):
        bare_forward(tensor[:views])  # trace once
    timings = {key: [] for key in ("bare", "mirror", "bare 1", "bare 2")}
    for photo in photos * 2:  # alternating, so a slow spell of a shared machine hits all alike
        timings["bare"].append(timed(predictor.predict, [photo], mirror=False)[1])
        timings["mirror"].append(timed(predictor.predict, [photo], mirror=True)[1])
        for views in (1, 2):
            started = time.perf_counter()
            bare_forward(tensor[:views]).numpy()
            timings[f"bare {views}"].append(time.perf_counter() - started)
    for mode, views in (("bare", 1), ("mirror", 2)):
        p50, bare_p50 = statistics.median(timings[mode]), statistics.median(timings[f"bare {views}"])
        report("predict", backbone=backbone, image_size=config.image_size, test_time_mirror=mode == "mirror",
               model_load_seconds=load_seconds, p50_ms=p50 * 1000, p95_ms=sorted(timings[mode])[113] * 1000,
               bare_forward_p50_ms=bare_p50 * 1000, bare_forward_views=views, ratio=p50 / bare_p50,
               target_ratio=1.3)
