"""Shared helpers for the benchmarks: where the shared photos and weights are, RSS sampling."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PHOTOS = SHARED / "data" / "catsdogs"
sys.path.insert(0, str(ROOT))


def use_shared_weights() -> Path:
    """Point KERAS_HOME at a temp copy of the shared weights (before Keras is imported)."""
    if not PHOTOS.is_dir():
        sys.exit(f"benchmarks need the shared photos in {PHOTOS}")
    home = Path(tempfile.mkdtemp(prefix="catdog-bench-keras-"))
    shutil.copytree(SHARED / "keras_home" / "models", home / "models")
    os.environ["KERAS_HOME"] = str(home)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return home


def rss_mb(pid: str | int = "self") -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples this process's resident memory every 20 ms; `.peak` is the maximum since start()."""

    def __init__(self, pid: str | int = "self"):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self):
        self.peak = rss_mb(self.pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except FileNotFoundError:
                return

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def report(name: str, **figures) -> None:
    """One JSON line per benchmark, as the issue asks."""
    print(json.dumps({"bench": name, **{k: round(v, 4) if isinstance(v, float) else v
                                         for k, v in figures.items()}}), flush=True)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def start_app(env: dict) -> tuple[subprocess.Popen, str, float]:
    """`streamlit run` on a free loopback port: (process, url, seconds until it answered)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return server, url, time.perf_counter() - started
        except OSError:
            if server.poll() is not None:
                sys.exit(f"streamlit exited with code {server.returncode} before answering")
            time.sleep(0.05)
