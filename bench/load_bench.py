"""Load: 10 browser sessions upload a photo on Predict at once while a training job runs.

Checks that every session gets the probabilities catdog computes for that photo, reports
the p50/p95 time from upload to result and the server's peak memory, and that no file of a
finished run changed. Traffic stays on 127.0.0.1.

    python bench/load_bench.py [--sessions 10]
"""

import argparse
import asyncio
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PHOTOS, ROOT, PeakRss, report, start_app, use_shared_weights

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def folder_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


async def one_session(browser, url: str, photo: Path) -> dict:
    page = await browser.new_page()
    await page.goto(f"{url}/predict")
    await page.get_by_role("heading", name="Cat or dog? Ask the model").wait_for(timeout=120_000)
    started = time.perf_counter()
    await page.locator("input[type=file]").first.set_input_files(str(photo))
    heading = page.get_by_role("heading", name=re.compile(r"^(cats|dogs) \(\d+\.\d%\)$"))
    await heading.wait_for(timeout=180_000)
    seconds = time.perf_counter() - started
    text = await heading.inner_text()
    await page.close()
    return {"photo": photo, "shown": text, "seconds": seconds}


async def sessions(url: str, photos: list[Path]) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        results = await asyncio.gather(*(one_session(browser, url, photo) for photo in photos))
        await browser.close()
    return results


def main(count: int) -> None:
    use_shared_weights()
    work = Path(tempfile.mkdtemp(prefix="catdog-load-"))
    env = {**os.environ, "CATDOG_MODELS_DIR": str(work / "models"), "CATDOG_DATA_DIR": str(work / "data")}
    (work / "data").mkdir()
    (work / "data" / "catsdogs").symlink_to(PHOTOS)
    cli = [sys.executable, "-m", "catdog", "train", "--data", str(PHOTOS), "--quiet"]
    subprocess.run(cli + ["--backbone", "mobilenet_v1_025"], cwd=ROOT, env=env, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    from catdog import runs
    from catdog.use.predict import predict

    finished = runs.list_runs(work / "models")[0]
    before = folder_digest(finished.path)
    photos = sorted((PHOTOS / "validation" / "cats").iterdir())[:count // 2] + \
        sorted((PHOTOS / "validation" / "dogs").iterdir())[:count - count // 2]
    expected = {r.source: f"{r.top_class} ({r.confidence:.1%})"
                for r in predict(finished.path, [str(p) for p in photos], work / "models")}

    server, url, _ready = start_app(env)
    job = subprocess.Popen(cli + ["--backbone", "mobilenet_v2", "--weights", "none", "--epochs", "3"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(5)  # let the job get going
    with PeakRss(server.pid) as memory:
        results = asyncio.run(sessions(url, photos))
    training_during = job.poll() is None
    job.wait()
    server.terminate()
    correct = sum(r["shown"] == expected[str(r["photo"])] for r in results)
    seconds = sorted(r["seconds"] for r in results)
    report("load", sessions=count, correct=correct, training_job_running_throughout=training_during,
           p50_seconds=statistics.median(seconds), p95_seconds=seconds[max(0, round(0.95 * count) - 1)],
           server_peak_rss_mb=memory.peak, finished_run_unchanged=folder_digest(finished.path) == before)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10)
    main(parser.parse_args().sessions)
