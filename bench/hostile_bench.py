"""A class server tried as careless and mischievous students would (issue 26).

Simulated students (threads and processes through the core, and uploads through the real
server's upload endpoint) try each kind of attack; each kind is a row: attempts, held, broke.
Faults are injected (damaged run records, a killed trainer, a full disk); the table says what
survived. Prints one JSON line per kind, then a summary with the peak RSS of this process.

    .venv/bin/python bench/hostile_bench.py            (about 2 minutes on 2 cores)
    .venv/bin/python bench/hostile_bench.py --no-server (the core only)
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from common import ROOT, PeakRss, report, rss_mb, start_app

WORK = Path(tempfile.mkdtemp(prefix="catdog-hostile-"))
os.environ.update({"CATDOG_HOSTED": "1", "CATDOG_DATA_DIR": str(WORK / "data"),
                   "CATDOG_MODELS_DIR": str(WORK / "models"), "PYTHONPATH": str(ROOT),  # the trainer imports catdog
                   "CATDOG_TEACHER_CODE": "coração-42", "CATDOG_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"})
sys.path.insert(0, str(ROOT / "tests"))

from catdog import jobs, privacy, runs, storage  # noqa: E402
from catdog.access import Identity  # noqa: E402
from catdog.classroom import archive, collect, people  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from catdog.data import augment, images  # noqa: E402
from catdog.errors import CatdogError  # noqa: E402
from helpers import at_once, make_dataset, make_image  # noqa: E402

DATA, MODELS = WORK / "data", WORK / "models"
ROWS: list[dict] = []
FAULTS: list[dict] = []


def row(kind: str, outcomes: list[bool], note: str = "") -> None:
    """`outcomes`: one per attempt, True where the server held."""
    ROWS.append({"kind": kind, "attempts": len(outcomes), "held": sum(outcomes),
                 "broke": len(outcomes) - sum(outcomes), "note": note})
    report("hostile", **ROWS[-1])


def refused(action, *keys) -> bool:
    """Held: `action` raised a CatdogError (of one of `keys`, if given), nothing else."""
    try:
        action()
    except CatdogError as error:
        return not keys or error.key in keys
    except Exception:  # noqa: BLE001 - a bench counts what broke, it does not hide it
        return False
    return False


def zipped(entries: dict) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        for name, content in entries.items():
            made.writestr(name, content)
    buffer.seek(0)
    return buffer


def photo() -> bytes:
    return make_image(WORK / "p.jpg", 0).read_bytes()


def good_zip(extra: dict | None = None) -> io.BytesIO:
    p = photo()
    return zipped({"train/cats/1.jpg": p, "train/dogs/1.jpg": p, "validation/cats/2.jpg": p,
                   "validation/dogs/2.jpg": p, **(extra or {})})


def huge_png(mode: str) -> bytes:
    buffer = io.BytesIO()
    images.Image.new(mode, (6300, 6300), (1, 2, 3, 4) if mode == "RGBA" else (1, 2, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def memory() -> None:
    """Six 6300 x 6300 PNGs decoded at once, as Predict does."""
    pngs, outcomes = [huge_png("RGBA"), huge_png("RGB")], []
    start = rss_mb()
    with PeakRss() as peak:
        threads = [threading.Thread(target=lambda data=data: outcomes.append(
            refused(lambda: images.load_for_model(data, 224), "image_too_big_to_open"))) for data in pngs * 3]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
    added = peak.peak - start
    row("huge photos at once", outcomes + [added <= 300], f"+{added:.0f} MB peak RSS (target <= 300)")


def names() -> None:
    bad = ["_h1", "_h2", ".owners", ".collections", "downloads", "Train", "ca\nts", "a/b", "..", "x" * 300,
           "nul", "pets\u202e", "\u200bpets", "", " ", "..evil"]
    ana = Identity("ana-token", "Ana")
    outcomes = [refused(lambda n=n: collect.create(n, ["rock", "paper"], ana, DATA)) for n in bad]
    outcomes += [refused(lambda n=n: archive.import_zip(good_zip(), n, DATA, ana)) for n in bad]
    outcomes += [refused(lambda n=n: collect.create("fine name", [n, "paper"], ana, DATA)) for n in bad]
    row("names that hide or break", outcomes)


def zips() -> None:
    p = photo()
    crc = bytearray(good_zip().getvalue())
    at = crc.index(b"PK\x01\x02")
    crc[at + 16:at + 20] = b"\0\0\0\0"
    deep = "/".join(["d"] * 25) + "/x.jpg"
    attempts = [good_zip({"train/ca\nts/3.jpg": p}), good_zip({"train/" + "c" * 300 + "/3.jpg": p}),
                good_zip({deep: p}), good_zip({"train/dogs": b"file"}), good_zip({"train/Cats/3.jpg": p}),
                good_zip({"train/caf\u00e9/1.jpg": p, "train/cafe\u0301/1.jpg": p}), io.BytesIO(bytes(crc)),
                good_zip({"../evil.jpg": p}), good_zip({"/etc/evil.jpg": p}), io.BytesIO(b"PK not a zip"),
                zipped({f"junk/{n}/": b"" for n in range(61_000)}), zipped({"cats/1.jpg": p})]
    outcomes = []
    for upload in attempts:
        before = sorted(child.name for child in DATA.iterdir()) if DATA.exists() else []
        held = refused(lambda upload=upload: archive.import_zip(upload, "attempt", DATA))
        after = sorted(child.name for child in DATA.iterdir()) if DATA.exists() else []
        outcomes.append(held and before == after)
    row("broken and hostile zips", outcomes, "each refused with a message, nothing written")


def races() -> None:
    ana, bia, spawned = Identity("race-ana", "Ana"), Identity("race-bia", "Bia"), []
    jobs.spawn_worker, real_spawn = (lambda root: spawned.append(root)), jobs.spawn_worker
    config = TrainConfig(data_dir=str(DATA / "sample"), backbone="mobilenet_v1_025")
    counts = {"runs": at_once(lambda n: jobs.start(config, MODELS, ana), 8),
              "imports": at_once(lambda n: archive.import_zip(good_zip(), f"race {n}", DATA, ana), 6),
              "drafts": at_once(lambda n: collect.create(f"draft {n}", ["a", "b"], bia, DATA), 6)}
    jobs.spawn_worker = real_spawn
    (MODELS / jobs.STARTING).unlink(missing_ok=True)  # the stand-in started no trainer: none is starting
    row("quotas under bursts", [counts["runs"].count("ok") == 3, counts["imports"].count("ok") == 3,
                                counts["drafts"].count("ok") == 3, len(spawned) == 1],
        f"8 Starts: {counts['runs'].count('ok')} in (quota 3), trainers started: {len(spawned)}; "
        f"6 imports: {counts['imports'].count('ok')}; 6 drafts: {counts['drafts'].count('ok')}")
    for run in runs.list_runs(MODELS):
        jobs.cancel(run.path, MODELS)


def class_cap() -> None:
    """A cleared cookie is a new student: 70 identities, one Start each."""
    jobs.spawn_worker, real_spawn = (lambda root: None), jobs.spawn_worker
    config = TrainConfig(data_dir=str(DATA / "sample"), backbone="mobilenet_v1_025")
    admitted = sum(not refused(lambda n=n: jobs.start(config, MODELS, Identity(f"cookie-{n}", "X")))
                   for n in range(70))
    jobs.spawn_worker = real_spawn
    (MODELS / jobs.STARTING).unlink(missing_ok=True)
    row("cleared cookies flooding the queue", [admitted <= 60], f"{admitted} of 70 queued (cap 60)")
    for run in runs.list_runs(MODELS):
        if run.state.waiting:
            jobs.cancel(run.path, MODELS)


def damaged_records() -> None:
    """Faults: a finished run's status.json truncated, empty, []; a config.json [] or out of range."""
    contents = [("status.json", '{"state": "do'), ("status.json", ""), ("status.json", "[]"),
                ("status.json", '{"state": "running", "pid": "x", "heartbeat": "y"}'),
                ("config.json", "[]"), ("config.json", '{"epochs": -1}')]
    outcomes = []
    for file, content in contents:
        run_dir = runs.create_run(TrainConfig(data_dir="unused"), MODELS)
        runs.update_status(run_dir, state="done")
        (run_dir / file).write_text(content)
        FAULTS.append({"fault": f"{file} = {content[:20]!r}"})
        listed_ok = refused(lambda run_dir=run_dir: runs.load_run(run_dir.name, MODELS)) and run_dir.name not in [
            run.id for run in jobs.queued(MODELS)] and run_dir.name in [d.id for d in runs.list_damaged(MODELS)]
        FAULTS[-1]["survived"] = listed_ok
        outcomes.append(listed_ok)
    cli = subprocess.run([sys.executable, "-m", "catdog", "runs"], cwd=ROOT, capture_output=True, text=True)
    outcomes.append(cli.returncode == 0 and "Traceback" not in cli.stderr)
    row("damaged run records", outcomes, "listed apart, never queued, the CLI still lists")


def teacher_code() -> None:
    people.forget_attempts()
    guesses = [people.unlock_teacher("mallory", f"guess-{n}", "coração-42", MODELS) for n in range(5)]
    held_after = refused(lambda: people.unlock_teacher("mallory", "coração-42", "coração-42", MODELS),
                         "teacher_code_wait")
    unicode_ok = people.unlock_teacher("teacher-browser", "coração-42", "coração-42", MODELS)
    forged = people.browser_token("login-" + "a" * 40) is None
    row("teacher code and identities", [not any(guesses), held_after, unicode_ok, forged],
        "5 wrong codes then even the right one waits; a non-ASCII code works; a login-shaped cookie is refused")


def bad_settings() -> None:
    outcomes = [refused(lambda: augment.from_text("light,rotation=-99999")),
                refused(lambda: augment.from_text("zoom=5")), refused(lambda: TrainConfig(epochs=10**9))]
    for args in (["export", "latest", "--format", "card", "--out", "/missing/x.md"],
                 ["train", "--data", str(DATA / "sample"), "--models-dir", "/proc/x", "--foreground"]):
        done = subprocess.run([sys.executable, "-m", "catdog", *args], cwd=ROOT, capture_output=True, text=True)
        outcomes.append(done.returncode == 2 and "Traceback" not in done.stderr)
    row("bad settings and paths", outcomes)


def killed_trainer() -> None:
    """Fault: the trainer killed with a run waiting, no page open; the server's watch restarts it."""
    runs_before = {run.id for run in runs.list_runs(MODELS)}
    stop = threading.Event()  # the web server's watch of the queue, as it runs from its start
    watcher = threading.Thread(target=jobs.keep_queue_moving, args=(MODELS, 1.0, stop), daemon=True)
    watcher.start()
    config = TrainConfig(data_dir=str(DATA / "sample"), backbone="simple_cnn", image_size=32, epochs=1, batch_size=4)
    first = jobs.start(config, MODELS, Identity("kill-ana", "Ana"))
    deadline = time.time() + 120
    while runs.load_run(first.path).status.get("pid") is None and time.time() < deadline:
        time.sleep(0.2)
    pid = runs.load_run(first.path).status.get("pid")
    waiting = jobs.start(config, MODELS, Identity("kill-bia", "Bia"))
    if pid:
        os.kill(pid, 9)
    while runs.load_run(waiting.path).state.waiting and time.time() < deadline + 120:
        time.sleep(0.5)
    stop.set()
    survived = runs.load_run(waiting.path).state == "done" and runs.load_run(first.path).state == "failed"
    FAULTS.append({"fault": "trainer killed with a run waiting, no page open", "survived": survived})
    row("a killed trainer", [survived], "the waiting run trained after the watch restarted the trainer")
    assert runs_before <= {run.id for run in runs.list_runs(MODELS)} | {d.id for d in runs.list_damaged(MODELS)}


def full_disk() -> None:
    """Fault: the disk fills during a job (a 400 KB file system of its own; needs root to mount)."""
    small = WORK / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(small)]).returncode != 0:
        FAULTS.append({"fault": "disk full during a job", "survived": None, "note": "not root: not tried"})
        return
    try:
        config = TrainConfig(data_dir=str(DATA / "sample"), backbone="simple_cnn", image_size=32, epochs=1,
                             batch_size=4)
        run = jobs.run_in_foreground(config, small / "models")
        partial = [p.name for p in run.path.rglob("*") if ".tmp" in p.name or p.suffix == ".keras"]
        survived = run.state == "failed" and run.status.get("error_key") == "disk_full" and not partial
    finally:
        subprocess.run(["umount", str(small)])
    FAULTS.append({"fault": "disk full during a job", "survived": survived})
    row("a full disk", [survived], "said as such, no partial file left")


def privacy_step() -> None:
    ana = Identity("kill-ana", "Ana")
    forgotten = privacy.forget(ana, MODELS, DATA)
    left = [run.id for run in runs.list_runs(MODELS) if run.owner == ana.id]
    row("a student deletes all their data", [left == [] and not forgotten.stopping],
        f"runs deleted: {len(forgotten.runs)}")


def upload_endpoint() -> None:
    """A 60 MiB body PUT straight to Streamlit's upload endpoint, with the page's cookie and XSRF
    token (taken from a real upload of the Home page's uploader), on a server with a 50 MB limit."""
    from playwright.sync_api import sync_playwright

    server, url, _ = start_app(dict(os.environ))
    held, status = False, None
    try:
        with PeakRss(server.pid) as server_peak, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page()
            seen = []
            page.on("request", lambda request: seen.append(request) if "/_stcore/upload_file/" in request.url
                    and request.method == "PUT" else None)
            page.goto(url)
            page.get_by_role("textbox").first.fill("Mallory")
            page.keyboard.press("Enter")
            page.wait_for_timeout(3000)
            small = WORK / "small.zip"
            small.write_bytes(good_zip().getvalue())
            page.locator("input[type=file]").first.set_input_files(str(small))
            page.wait_for_timeout(3000)
            if seen:
                request = seen[0]
                headers = {key: value for key, value in request.headers.items() if key.lower() == "x-xsrftoken"}
                answer = page.request.put(request.url, headers=headers, multipart={
                    "file": {"name": "big.zip", "mimeType": "application/zip", "buffer": b"\0" * (60 * 2**20)}})
                status = answer.status
                held = status in (400, 413)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    row("oversized upload through the endpoint", [held], f"HTTP {status} for 60 MiB under a 50 MB limit; "
        f"the server's peak RSS {server_peak.peak:.0f} MB")


if __name__ == "__main__":
    make_dataset(DATA / "sample", per_class=6)
    storage.write_json(WORK / "started.json", {"at": time.time()})
    with PeakRss() as process_peak:
        for attack in (memory, names, zips, races, class_cap, damaged_records, teacher_code, bad_settings,
                       killed_trainer, full_disk, privacy_step):
            attack()
        if "--no-server" not in sys.argv:
            upload_endpoint()
    totals = {key: sum(r[key] for r in ROWS) for key in ("attempts", "held", "broke")}
    report("hostile_summary", kinds=len(ROWS), **totals, bench_process_peak_rss_mb=round(process_peak.peak),
           faults=len(FAULTS), faults_survived=sum(bool(f["survived"]) for f in FAULTS))
    print(json.dumps({"faults": FAULTS}))
