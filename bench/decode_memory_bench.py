"""What huge photos cost the memory of a process that decodes them (issue 26, "Memory").

1. In one process, as the web server decodes uploads: six 6300 x 6300 RGBA PNGs (154 KB each,
   just under the pixel cap) decoded at once by six threads as Predict does (`load_for_model`),
   then six RGB ones, then six of the largest RGB PNG the decode budget admits, on a class server
   (hosted limits) and on a laptop. Prints what each
   decode gave (refused, decoded) and the process's peak and final RSS above its start.
   Target: at most +300 MB on a class server.
2. `catdog predict RUN that.png` against the same command on an ordinary photo: the peak RSS
   of each command (target: at most 250 MB more for the huge PNG).

    .venv/bin/python bench/decode_memory_bench.py
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from common import PHOTOS, ROOT, report

SIDE = 6300  # 39.7 megapixels: just under catdog's 40 M pixel cap


def huge_png(mode: str, side: int = SIDE) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (side, side), (120, 80, 40, 200) if mode == "RGBA" else (120, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def in_process(hosted: bool) -> None:
    """Run in a fresh process per mode (the limits are read once per process)."""
    code = f"""
import json, sys, threading, io
sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(ROOT)!r})
from common import PeakRss, rss_mb
from decode_memory_bench import huge_png
from catdog.data import images
from catdog.errors import CatdogError
from catdog.memory import keep_heap_small
keep_heap_small()  # as the server and the CLI do at start
import tensorflow  # as the server has it loaded: its memory is not the photos'
images.load_for_model(images.Image.new("RGB", (64, 64)), 32)
budget = images.BUDGET.capacity
# the two huge PNGs, then the largest RGB PNG the budget lets in (90% of it): six of those wait in turn
edge = int((0.9 * budget / (images.decode_bytes(images.Image.new("RGB", (1, 1))) + 15)) ** 0.5)
for mode, side in (("RGBA", {SIDE}), ("RGB", {SIDE}), ("RGB", edge)):
    photo = huge_png(mode, side)
    outcomes, start = [], rss_mb()
    def predict_one():
        try:
            images.load_for_model(photo, 224)
            outcomes.append("decoded")
        except CatdogError as error:
            outcomes.append(error.key)
    with PeakRss() as peak:
        threads = [threading.Thread(target=predict_one) for _ in range(6)]
        [t.start() for t in threads]; [t.join() for t in threads]
    print(json.dumps({{"mode": mode, "side": side, "budget_mb": budget // 2**20, "file_kb": round(len(photo) / 1024),
                      "outcomes": sorted(outcomes),
                      "peak_added_mb": round(peak.peak - start), "after_added_mb": round(rss_mb() - start)}}))
"""
    environment = {**os.environ, "CATDOG_HOSTED": "1" if hosted else "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    import json

    for line in out.stdout.splitlines():
        row = json.loads(line)
        report("decode_six_at_once", server="class (hosted)" if hosted else "laptop", **row)


def peak_of_command(arguments: list[str], environment: dict) -> tuple[float, str]:
    """A command's peak RSS in MB (its own ru_maxrss, measured by a wrapper process of its own)."""
    wrapper = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024);"
               "print((done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr).strip() "
               "else '')")
    out = subprocess.run([sys.executable, "-c", wrapper, *arguments], env=environment, capture_output=True, text=True)
    peak, first_line = out.stdout.split("\n", 1)
    return float(peak), first_line.strip()


def command_line() -> None:
    work = Path(tempfile.mkdtemp(prefix="catdog-decode-bench-"))
    environment = {**os.environ, "CATDOG_MODELS_DIR": str(work / "models"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    make_run = (
        "from catdog import runs, storage; from catdog.config import TrainConfig;"
        "from catdog.network.model import build_model;"
        f"c = TrainConfig(data_dir='{PHOTOS}', backbone='mobilenet_v1_025', weights='none');"
        f"d = runs.create_run(c, '{work / 'models'}'); runs.save_model(build_model(c, 2), d);"
        "storage.write_atomic(d / 'class_names', 'cats\\ndogs\\n'); runs.update_status(d, state='done')")
    subprocess.run([sys.executable, "-c", make_run], cwd=ROOT, env=environment, check=True, capture_output=True)
    ordinary = next((PHOTOS / "validation" / "cats").iterdir())
    (work / "huge.png").write_bytes(huge_png("RGBA"))
    (work / "huge-rgb.png").write_bytes(huge_png("RGB"))
    command = [sys.executable, "-m", "catdog", "predict", "latest"]
    figures = {}
    for name, photo in (("ordinary", ordinary), ("huge_rgba_png", work / "huge.png"),
                        ("huge_rgb_png", work / "huge-rgb.png")):
        peak, said = peak_of_command(command + [str(photo)], {**environment, "PYTHONPATH": str(ROOT)})
        figures[f"{name}_peak_mb"], figures[f"{name}_said"] = round(peak), said[:120]
    report("cli_predict_peak", **figures, rgba_minus_ordinary_mb=figures["huge_rgba_png_peak_mb"]
           - figures["ordinary_peak_mb"], rgb_minus_ordinary_mb=figures["huge_rgb_png_peak_mb"]
           - figures["ordinary_peak_mb"])


if __name__ == "__main__":
    for hosted in (True, False):
        in_process(hosted)
    command_line()
