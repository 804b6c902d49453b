"""A class in real browsers against the real app server: `streamlit run` in hosted mode, on loopback.

After one warm-up run through the CLI (which fills the feature cache), the app server starts in
hosted mode and N students (default 30) each get their own Playwright browser context (pt-BR),
all in one Chromium and all open at the same time, as in a class. Each student types their name,
opens Train, picks the tiny backbone (MobileNet 0.25; the hosted defaults otherwise), presses
Start, waits for their run to finish (read from the run folders on disk: the status.json owned by
their browser's identity), checks that the Train page shows it done, then opens Predict, picks
their own run in the sidebar, uploads one validation photo and times set_input_files -> the
probabilities on screen. Meanwhile the server's and the trainer's resident memory is sampled
every 100 ms from /proc. One failing student is counted in errors_seen; the others go on.

Every open page keeps costing the server CPU (the sidebar's job line and the Train page's job
panel are fragments that rerun every 2 s and 1.5 s), and here the 30 browsers share the
machine with the server: `--concurrency N` caps how many students' pages are open at once
(each closes when that student has their probabilities), `--stagger` spaces their arrivals.

Prints progress to stderr and one JSON line at the end: students, jobs_finished,
runs_owned_by_their_student, seconds_first_launch_to_last_model, upload_to_probabilities
p50/p95, peak RSS of the server, of the trainer(s) and of both summed at the same instant,
errors_seen, mean validation accuracy.

    python bench/classroom_server_bench.py [--students 30] [--concurrency N] [--stagger 0.5]
                                           [--shots /tmp/bench_shots] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import PHOTOS, ROOT, report, start_app, use_shared_weights

BACKBONE = "mobilenet_v1_025"
CHROMIUM = "/usr/bin/chromium"
STEP_TIMEOUT_MS = 180_000  # one page step; 30 pages on 2 cores can be slow to render
_T0 = time.time()


def log(message: str) -> None:
    print(f"[{time.time() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def pt(key: str, **values) -> str:
    """A text of the app's catalogue in Brazilian Portuguese (what a pt-BR browser is shown)."""
    from webui.text import S

    return S[key]["pt"].format(**values) if values else S[key]["pt"]


def en(key: str, **values) -> str:
    from webui.text import S

    return S[key]["en"].format(**values) if values else S[key]["en"]


# --- the run folders, read from disk (status.json, config.json, metrics.json) ----------------------

def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError, OSError):
        return None


def read_runs(models: Path) -> dict[str, dict]:
    """Every run folder: {run_id: {"status": ..., "path": ...}}."""
    found = {}
    if not models.is_dir():
        return found
    for folder in models.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        status = read_json(folder / "status.json")
        if status is not None:
            found[folder.name] = {"status": status, "path": folder}
    return found


# --- memory: the server, and the trainer it spawns (a descendant, or a fresh hand-over process) -----

def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, start time in clock ticks), for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), int(fields[19]))
        except (OSError, IndexError, ValueError):
            continue
    return table


def _rss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0  # gone, or a zombie (no VmRSS line)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class ServerMemory:
    """Samples, every `interval` s, the RSS of the server process and of every trainer process:
    a descendant of the server running `catdog.jobs worker`, or any `catdog.jobs worker` on this
    bench's models folder (a trainer that hands over spawns its successor itself)."""

    def __init__(self, server_pid: int, models: Path, interval: float = 0.1):
        self.server_pid, self.models, self.interval = server_pid, str(models.resolve()), interval
        self.server_peak = self.trainer_peak = self.trainers_sum_peak = self.summed_peak = 0.0
        self.trainer_pids: dict[int, float] = {}  # pid -> its own peak
        self.samples = 0
        self._commands: dict[tuple[int, int], str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> ServerMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def trainers_now(self) -> list[int]:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (parent, _) in table.items():
            children.setdefault(parent, []).append(pid)
        descendants, todo = set(), [self.server_pid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in descendants:
                    descendants.add(child)
                    todo.append(child)
        found = []
        for pid, (_, started) in table.items():
            key = (pid, started)
            if key not in self._commands:
                self._commands[key] = _cmdline(pid)
            command = self._commands[key]
            if "catdog.jobs worker" in command and (pid in descendants or self.models in command):
                found.append(pid)
        return found

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            server = _rss_mb(self.server_pid)
            trainers = {pid: _rss_mb(pid) for pid in self.trainers_now()}
            for pid, mb in trainers.items():
                self.trainer_pids[pid] = max(self.trainer_pids.get(pid, 0.0), mb)
            total = sum(trainers.values())
            self.server_peak = max(self.server_peak, server)
            self.trainer_peak = max([self.trainer_peak, *trainers.values()])
            self.trainers_sum_peak = max(self.trainers_sum_peak, total)
            self.summed_peak = max(self.summed_peak, server + total)
            self.samples += 1


# --- one student -------------------------------------------------------------------------------------

class Class:
    """What the students share: the server, the run folders as last read, the errors seen."""

    def __init__(self, url: str, models: Path, shots: Path | None, photos: list[Path], job_timeout: float):
        self.url, self.models, self.shots, self.photos, self.job_timeout = url, models, shots, photos, job_timeout
        self.runs: dict[str, dict] = {}
        self.errors: list[dict] = []
        self.js_errors: list[str] = []
        self.results: dict[int, dict] = {}
        self.all_done = asyncio.Event()

    def error(self, student: int, step: str, message: str) -> None:
        message = " ".join(str(message).split())[:400]
        self.errors.append({"student": student, "step": step, "message": message})
        log(f"s{student:02d} ERROR at {step}: {message[:200]}")

    async def watch_disk(self) -> None:
        """Re-read the run folders once a second for every student (as the server's pages do)."""
        while True:
            self.runs = await asyncio.to_thread(read_runs, self.models)
            await asyncio.sleep(1.0)

    def mine(self, token: str) -> list[tuple[str, dict]]:
        return sorted((run_id, run) for run_id, run in self.runs.items() if run["status"].get("owner") == token)


async def shown_errors(page) -> list[str]:
    """The error boxes and exceptions this page shows now."""
    texts = []
    for test_id in ("stException", "stAlertContentError"):
        try:
            for box in await page.get_by_test_id(test_id).all():
                texts.append(f"{test_id}: {await box.inner_text(timeout=5_000)}")
        except Exception:  # the page changed under us while reading: not an error of the app
            pass
    return texts


async def student(number: int, browser, room: Class, gate: asyncio.Semaphore, stagger: float,
                  close_when_done: bool) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    name = f"Aluno {number + 1:02d}"
    result = room.results[number] = {"name": name}
    await asyncio.sleep(number * stagger)  # a class arrives over a few seconds, not in one instant
    async with gate:
        context = await browser.new_context(locale="pt-BR", viewport={"width": 1400, "height": 1000},
                                            reduced_motion="reduce")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.on("pageerror", lambda error: room.js_errors.append(f"s{number:02d}: {error}"[:300]))
        result["context"] = context
        step = "open"
        seen: set[str] = set()

        async def checkpoint(label: str) -> None:
            if room.shots and (number == 0 or label.startswith("error")):
                try:
                    await page.screenshot(path=str(room.shots / f"s{number:02d}_{label}.png"), full_page=True)
                except Exception:
                    pass
            for text in await shown_errors(page):
                if text not in seen:
                    seen.add(text)
                    room.error(number, label, "page shows " + text)

        try:
            opened = time.time()
            await page.goto(room.url, wait_until="domcontentloaded")
            await expect(page.get_by_text(pt("who.welcome"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
            step = "name"
            # In either language: on a freshly started server, the first visitors' first submit can
            # come back unsaved with the page in English (the language picker reset to its first
            # option, so the button is "Start" and the "Começar" that was pressed matches nothing).
            box = page.get_by_label(pt("who.name")).or_(page.get_by_label(en("who.name")))
            go = page.get_by_role("button", name=pt("who.go"), exact=True).or_(
                page.get_by_role("button", name=en("who.go"), exact=True))
            you = page.get_by_text(pt("who.you", name=name)).or_(page.get_by_text(en("who.you", name=name)))
            english = page.get_by_text(en("who.welcome"))
            portuguese = page.get_by_text(pt("who.welcome"))
            for attempt in range(3):  # a real student types again if the page swallowed it
                await box.fill(name)
                asked_in_english = bool(await english.count())
                await go.click()
                # The name is taken: the form goes away and the sidebar says who I am (a busy server
                # takes a while)... or a Portuguese form comes back asking again, in English: lost.
                problem, deadline = "the form was still asking 90 s later", time.time() + 90
                while time.time() < deadline:
                    if await you.count() and not await english.count() and not await portuguese.count():
                        problem = None
                        break
                    if await english.count() and not asked_in_english:
                        problem = "the page came back asking again, now in English"
                        break
                    await asyncio.sleep(0.25)
                if problem is None:
                    break
                if attempt == 2:
                    raise RuntimeError(f"the name was never taken: {problem}")
                room.error(number, step, f"the name form ignored submit {attempt + 1}: {problem}; typing it again")
                await checkpoint(f"error_name_{attempt + 1}")
            result["named"] = time.time()
            token = next((c["value"] for c in await context.cookies() if c["name"] == "catdog_id"), None)
            result["token"] = token
            if not token:
                room.error(number, step, "no catdog_id cookie after the name was taken")
            await checkpoint("1_named")

            step = "train_page"
            await page.goto(f"{room.url}/train", wait_until="domcontentloaded")
            await expect(page.get_by_role("heading", name=pt("train.title"))).to_be_visible()
            step = "pick_backbone"
            backbone = page.get_by_role("combobox", name=pt("train.backbone"))
            await page.get_by_test_id("stSelectbox").filter(has_text=pt("train.backbone")).click()
            await page.get_by_role("option", name=pt(f"backbone.{BACKBONE}"), exact=True).click()
            await expect(backbone).to_have_value(pt(f"backbone.{BACKBONE}"))
            await expect(page.get_by_label(pt("train.size"))).to_have_value("224")  # the backbone's own size
            await checkpoint("2_train_form")

            step = "start"
            before = {run_id for run_id, _ in room.mine(token)} if token else set()
            result["clicked"] = time.time()
            await page.get_by_role("button", name=pt("train.start")).click()
            log(f"s{number:02d} pressed Start ({time.time() - opened:.1f} s after opening)")
            step = "run_appears"
            deadline = time.time() + 120
            while True:
                new = [(run_id, run) for run_id, run in room.mine(token) if run_id not in before] if token else []
                if new:
                    run_id, run = new[0]
                    break
                if time.time() > deadline:
                    raise TimeoutError("no run folder owned by this student 120 s after Start")
                await asyncio.sleep(0.5)
            result["run_id"] = run_id
            result["owned"] = run["status"].get("owner") == token and run["status"].get("owner_name") == name
            await checkpoint("3_started")

            step = "wait_done"
            deadline = time.time() + room.job_timeout
            while room.runs.get(run_id, run)["status"].get("state") not in ("done", "failed", "cancelled"):
                if time.time() > deadline:
                    raise TimeoutError(f"run {run_id} not finished after {room.job_timeout:.0f} s")
                await asyncio.sleep(0.5)
            state = room.runs[run_id]["status"]["state"]
            result["state"], result["finished"] = state, time.time()
            log(f"s{number:02d} run {run_id} {state} ({result['finished'] - result['clicked']:.1f} s after Start)")
            if state != "done":
                raise RuntimeError(f"run {run_id} ended {state}: {room.runs[run_id]['status'].get('error')}")

            step = "train_page_shows_done"  # the Train page's panel redraws every 1.5 s on its own
            done_line = page.get_by_text(f"{run_id}: {pt('state.done')}")
            try:
                await expect(done_line.first).to_be_visible(timeout=60_000)
                result["page_saw_done"] = time.time()
                await done_line.first.scroll_into_view_if_needed()
            except AssertionError:
                room.error(number, step, f"the Train page did not show '{run_id}: {pt('state.done')}' "
                                          "within 60 s of the run being done on disk")
            await checkpoint("4_done")

            step = "predict_page"
            await page.goto(f"{room.url}/predict", wait_until="domcontentloaded")
            await expect(page.get_by_role("heading", name=pt("predict.title"))).to_be_visible()
            model_line = page.get_by_text(  # "Modelo: treino **<run>** (...)", the bold as plain text
                pt("predict.model", run=run_id, backbone="", accuracy="").split(" (")[0].replace("**", ""))
            await expect(page.get_by_test_id("stFileUploader")).to_be_visible()
            if not await model_line.count():  # the sidebar picked the newest model, someone else's
                step = "pick_own_run"
                result["had_to_pick_run"] = True
                chooser = page.get_by_test_id("stSidebar").get_by_role("combobox", name=pt("side.run"))
                await chooser.click()
                await chooser.fill(run_id)  # the list can be long: type to filter it
                await page.get_by_role("option", name=run_id, exact=True).click()
                await expect(model_line).to_be_visible()
            await checkpoint("5_predict")

            step = "upload"
            photo = room.photos[number % len(room.photos)]
            answer = page.get_by_role("heading", name=re.compile(r"^(cats|dogs) \(\d+\.\d%\)$"))
            started = time.perf_counter()
            await page.locator("input[type=file]").first.set_input_files(str(photo))
            await expect(answer.first).to_be_visible()
            result["upload_seconds"] = time.perf_counter() - started
            result["answer"] = await answer.first.inner_text()
            try:  # then the chart of every class's probability
                await expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
                result["chart_seconds"] = time.perf_counter() - started
            except AssertionError:
                room.error(number, step, "the probabilities chart did not appear within 60 s of the answer")
            result["photo"] = f"{photo.parent.name}/{photo.name}"
            log(f"s{number:02d} {result['photo']} -> {result['answer']} in {result['upload_seconds']:.2f} s")
            await checkpoint("6_probabilities")
        except Exception as problem:
            room.error(number, step, f"{type(problem).__name__}: {problem}")
            await checkpoint(f"error_{step}")
        finally:
            result["ended"] = time.time()
        if close_when_done:  # fewer pages at once than students: free this one for the next
            await context.close()
            result.pop("context", None)


async def run_class(url: str, models: Path, args, photos: list[Path]) -> Class:
    from playwright.async_api import async_playwright

    room = Class(url, models, args.shots, photos, args.job_timeout)
    watcher = asyncio.create_task(room.watch_disk())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            # 30 pages, none in front: keep their timers (Streamlit's fragments, the websocket) running
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows"])
        gate = asyncio.Semaphore(args.concurrency or args.students)
        try:
            close = bool(args.concurrency) and args.concurrency < args.students
            crashed = await asyncio.gather(*(student(i, browser, room, gate, args.stagger, close)
                                             for i in range(args.students)), return_exceptions=True)
            for number, problem in enumerate(crashed):
                if isinstance(problem, BaseException):
                    room.error(number, "crashed", f"{type(problem).__name__}: {problem}")
        finally:
            for result in room.results.values():
                context = result.pop("context", None)
                if context is not None:
                    try:
                        await context.close()
                    except Exception:
                        pass
            await browser.close()
            watcher.cancel()
    room.runs = read_runs(models)
    return room


# --- the bench ---------------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def validation_photos() -> list[Path]:
    """Cats and dogs in turn, from the validation split (photos no run trained on)."""
    cats = sorted((PHOTOS / "validation" / "cats").iterdir())
    dogs = sorted((PHOTOS / "validation" / "dogs").iterdir())
    return [photo for pair in zip(cats, dogs) for photo in pair]


def stop_trainers(memory: ServerMemory) -> None:
    """The trainer is in its own session (it outlives the server): end the ones this bench made."""
    for pid in memory.trainers_now():
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=0,
                        help="pages open at once (default: every student at the same time)")
    parser.add_argument("--stagger", type=float, default=0.5, help="seconds between two students arriving")
    parser.add_argument("--job-timeout", type=float, default=1800, help="seconds a student waits for their run")
    parser.add_argument("--shots", type=Path, default=Path("/tmp/bench_shots"),
                        help="screenshots of student 0's steps and of every error ('' for none)")
    parser.add_argument("--keep", action="store_true", help="keep the temp models/data folders")
    args = parser.parse_args()
    args.shots = args.shots if str(args.shots) not in ("", ".") else None
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)

    keras_home = use_shared_weights()
    work = Path(tempfile.mkdtemp(prefix="catdog-classroom-server-"))
    models, data = work / "models", work / "data"
    data.mkdir()
    (data / "catsdogs").symlink_to(PHOTOS)
    env = {**os.environ, "CATDOG_MODELS_DIR": str(models), "CATDOG_DATA_DIR": str(data), "CATDOG_HOSTED": "1",
           "CATDOG_TEACHER_CODE": "bench-teacher-code", "KERAS_HOME": str(keras_home)}
    log(f"work folder {work}")

    started = time.time()
    warm_up = subprocess.run([sys.executable, "-m", "catdog", "train", "--data", str(data / "catsdogs"), "--backbone",
                              BACKBONE, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True)
    warm_up_seconds = time.time() - started
    log(f"warm-up run (CLI, fills the feature cache): exit {warm_up.returncode} in {warm_up_seconds:.1f} s: "
        f"{warm_up.stdout.strip()[-200:]}")
    if warm_up.returncode != 0:
        sys.exit(f"the warm-up run failed:\n{warm_up.stderr[-3000:]}")
    warm_up_runs = set(read_runs(models))

    server, url, ready = start_app(env)
    log(f"server pid {server.pid} answering at {url} after {ready:.1f} s")
    memory = ServerMemory(server.pid, models).start()
    class_started = time.time()
    try:
        room = asyncio.run(run_class(url, models, args, validation_photos()))
    finally:
        memory.stop()
        server_cpu = _cpu_seconds(server.pid)
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        stop_trainers(memory)
    class_seconds = time.time() - class_started

    results = list(room.results.values())
    student_runs = {run_id: run for run_id, run in room.runs.items() if run_id not in warm_up_runs}
    done = {run_id: run for run_id, run in student_runs.items() if run["status"].get("state") == "done"}
    clicks = [r["clicked"] for r in results if "clicked" in r]
    models_written = [(run["path"] / "model.keras").stat().st_mtime for run in done.values()
                      if (run["path"] / "model.keras").exists()]
    accuracies = [(read_json(run["path"] / "metrics.json") or {}).get("val_accuracy") for run in done.values()]
    accuracies = [a for a in accuracies if a is not None]
    uploads = [r["upload_seconds"] for r in results if "upload_seconds" in r]
    charts = [r["chart_seconds"] for r in results if "chart_seconds" in r]
    waits = [r["finished"] - r["clicked"] for r in results if "finished" in r and "clicked" in r]
    first_to_last = max(models_written) - min(clicks) if clicks and models_written else None
    trainer_pids = {run["status"].get("pid") for run in done.values()} - {None}
    report("classroom_server", students=args.students, concurrency=args.concurrency or args.students,
           runs_created=len(student_runs), jobs_finished=len(done),
           runs_failed=sum(run["status"].get("state") == "failed" for run in student_runs.values()),
           runs_owned_by_their_student=sum(bool(r.get("owned")) for r in results),
           students_with_probabilities=len(uploads),
           seconds_first_launch_to_last_model=first_to_last and round(first_to_last, 1),
           seconds_per_job=first_to_last and len(done) and round(first_to_last / len(done), 2),
           start_to_own_model_p50_s=_round(percentile(waits, 0.5)),
           start_to_own_model_max_s=_round(max(waits, default=None)),
           upload_to_probabilities_p50_s=_round(percentile(uploads, 0.5)),
           upload_to_probabilities_p95_s=_round(percentile(uploads, 0.95)),
           upload_to_probabilities_max_s=_round(max(uploads, default=None)),
           upload_to_chart_p50_s=_round(percentile(charts, 0.5)),
           upload_to_chart_p95_s=_round(percentile(charts, 0.95)),
           students_who_had_to_pick_their_run=sum(bool(r.get("had_to_pick_run")) for r in results),
           server_peak_rss_mb=round(memory.server_peak), trainer_peak_rss_mb=round(memory.trainer_peak),
           trainers_summed_peak_rss_mb=round(memory.trainers_sum_peak),
           server_plus_trainers_peak_rss_mb=round(memory.summed_peak),
           trainer_processes_seen=len(memory.trainer_pids),
           trainer_processes_that_trained=len(trainer_pids), memory_samples=memory.samples,
           server_cpu_seconds=server_cpu and round(server_cpu, 1),
           server_cpu_share=server_cpu and round(server_cpu / class_seconds, 2),
           students_reaching={"named": sum("named" in r for r in results),
                              "started": sum("clicked" in r for r in results),
                              "model_done": sum(r.get("state") == "done" for r in results),
                              "probabilities": len(uploads)},
           errors_seen=len(room.errors), first_errors=room.errors[:5], page_js_errors=len(room.js_errors),
           first_js_errors=room.js_errors[:3],
           mean_val_accuracy=round(statistics.mean(accuracies), 4) if accuracies else None,
           warm_up_seconds=round(warm_up_seconds, 1), server_ready_seconds=round(ready, 1),
           class_seconds=round(class_seconds, 1), total_seconds=round(time.time() - _T0, 1))
    if args.keep:
        log(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(keras_home, ignore_errors=True)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


if __name__ == "__main__":
    main()
