"""Memory: a default training job, and the app server idle, with one model, and during training.

Targets: training job peak RSS <= 1.5 GB; app server with one model loaded <= 700 MB;
first page rendered within 3 s of the server being ready. The job runs as the CLI does
(`python -m catdog train`, MobileNetV2 at 160 px, batch 32; weights=none has the same
compute and memory as ImageNet weights), the server as `streamlit run`.

    python bench/memory_bench.py [--app-only]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PHOTOS, ROOT, PeakRss, report, rss_mb, start_app, use_shared_weights

use_shared_weights()
work = Path(tempfile.mkdtemp(prefix="catdog-bench-memory-"))
env = {**os.environ, "CATDOG_MODELS_DIR": str(work / "models"), "CATDOG_DATA_DIR": str(work / "data")}
(work / "data").mkdir()
(work / "data" / "catsdogs").symlink_to(PHOTOS)


def train_job(epochs: int = 3) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "catdog", "train", "--data", str(PHOTOS), "--backbone",
                             "mobilenet_v2", "--weights", "none", "--epochs", str(epochs), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if "--app-only" not in sys.argv:
    job = train_job()
    with PeakRss(job.pid) as memory:
        job.wait()
    report("memory_training_job", backbone="mobilenet_v2", image_size=160, batch_size=32,
           peak_rss_mb=memory.peak, target_mb=1500)

if "--app-only" in sys.argv:  # a finished run to load, made without training (same model size)
    subprocess.run([sys.executable, "-c", (
        "import sys; sys.path.insert(0, '.');"
        "from catdog import runs, storage; from catdog.config import TrainConfig;"
        "from catdog.network.model import build_model;"
        f"c = TrainConfig(data_dir='{PHOTOS}', backbone='mobilenet_v2', weights='none');"
        f"d = runs.create_run(c, '{work / 'models'}'); runs.save_model(build_model(c, 2), d);"
        "storage.write_atomic(d / 'class_names', 'cats\\ndogs\\n'); runs.update_status(d, state='done')")],
        cwd=ROOT, env=env, check=True, capture_output=True)

server, url, ready = start_app(env)

from playwright.sync_api import sync_playwright  # noqa: E402

with sync_playwright() as playwright, PeakRss(server.pid) as server_memory:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
    page = browser.new_page()
    clicked = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name="catdog: teach a computer to tell cats from dogs").wait_for(timeout=60_000)
    first_page = time.perf_counter() - clicked
    time.sleep(2)
    idle = rss_mb(server.pid)
    page.goto(f"{url}/predict")
    page.get_by_role("heading", name="Cat or dog? Ask the model").wait_for(timeout=60_000)
    page.locator("input[type=file]").first.set_input_files(str(next((PHOTOS / "validation" / "cats").iterdir())))
    answer = page.get_by_role("heading", name="cats (").or_(page.get_by_role("heading", name="dogs ("))
    answer.first.wait_for(timeout=120_000)
    time.sleep(2)
    with_model = rss_mb(server.pid)
    job = train_job(epochs=2)
    while job.poll() is None:
        page.goto(f"{url}/train")  # the Train page polls the job while it runs
        time.sleep(3)
    during_training = rss_mb(server.pid)
    browser.close()
server.terminate()
report("memory_app_server", server_ready_seconds=ready, first_page_seconds=first_page, target_first_page_seconds=3.0,
       idle_rss_mb=idle, one_model_loaded_rss_mb=with_model, while_a_job_trains_rss_mb=during_training,
       peak_rss_mb=server_memory.peak, target_mb=700)
