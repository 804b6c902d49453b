"""`python -m catdog ...` (or `catdog ...`): everything the app does, for terminals, notebooks and CI.

Every command takes `--json` for machine-readable output. A problem the user can fix
(a missing folder, an unknown backbone, an unreadable photo) is printed as a message,
never as a traceback, and the exit code is non-zero. `train`'s flags are made from
`TrainConfig`'s fields, so every setting has a flag and every default is written once.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

import catdog
from catdog import memory, settings, storage
from catdog.config import TrainConfig
from catdog.data import augment
from catdog.errors import CatdogError
from catdog.run_state import Phase, Progress, State

# Short names kept from earlier versions, beside the ones made from the field names.
DATA_ROOT_HELP = "data root (default: $CATDOG_DATA_DIR or ./data)"
ALIASES = {"data_dir": ["--data"], "early_stopping_patience": ["--patience"], "augmentation": ["--augment"]}


class TerminalProgress:
    """A tqdm bar per phase on a terminal; in a log (stderr redirected), a plain line when a
    phase starts and then at most one every `every` seconds."""

    def __init__(self, enabled: bool = True, stream=sys.stderr, every: float = 10.0):
        self.enabled, self.stream, self.every = enabled, stream, every
        self.tty = stream.isatty()
        self._bar, self._key, self._last_line = None, None, 0.0

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        extracting = progress.phase is Phase.EXTRACTING
        if extracting and not progress.images_total:
            return  # the phase has begun but not yet said how many photos it has
        key = (progress.phase, progress.split, progress.view)
        total = progress.images_total if extracting else (progress.total_epochs or 1) * (progress.batches or 1)
        done = progress.images_done if extracting else (
            ((progress.epoch or 1) - 1) * (progress.batches or 1) + (progress.batch or 0))
        if key != self._key:
            self.close()
            self._key, self._last_line = key, 0.0
        if self.tty:
            self._draw(progress, total, done or 0)
        elif time.time() - self._last_line >= self.every:
            self._last_line = time.time()
            self.stream.write(f"{describe(progress)}: {progress.fraction:.0%}\n")
            self.stream.flush()

    def _draw(self, progress: Progress, total: int, done: int) -> None:
        from tqdm import tqdm

        if self._bar is None:
            unit = "img" if progress.phase is Phase.EXTRACTING else "batch"
            self._bar = tqdm(total=total, desc=describe(progress), unit=unit, file=self.stream, leave=True)
        self._bar.set_description(describe(progress), refresh=False)
        self._bar.total = total
        self._bar.n = min(done, total)
        if progress.loss is not None:
            self._bar.set_postfix(loss=f"{progress.loss:.3f}", accuracy=f"{progress.accuracy or 0:.3f}",
                                  refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def describe(progress: Progress) -> str:
    """The phase in words, e.g. 'extracting features (train, view 2/3)' or 'fine-tuning, epoch 4/6'."""
    if progress.phase is Phase.EXTRACTING:
        view = f", view {progress.view}/{progress.views}" if progress.view else ""
        return f"{progress.phase.value} ({progress.split}{view})"
    if progress.epoch:
        return f"{progress.phase.value}, epoch {progress.epoch}/{progress.total_epochs}"
    return progress.phase.value


def _print(args, value, text: str) -> None:
    print(json.dumps(value, indent=2, default=str) if args.json else text)


def config_from_args(args) -> TrainConfig:
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{**values, "augmentation": augment.from_text(values["augmentation"])})


def train_options(command: argparse.ArgumentParser) -> None:
    add_config_flags(command)
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.add_argument("--foreground", action="store_true",
                         help="train in this process, not in the models folder's trainer (which stays loaded "
                              "for the next command, or the app, for a minute)")


def cmd_train(args) -> int:
    from catdog import jobs
    from catdog.data import folders
    from catdog.training import multiworker
    from catdog.training.plan import plan_training

    config = config_from_args(args)
    # Listed now: a bad dataset fails before the run exists.
    dataset = folders.load_dataset(config.data_dir, config.validation_fraction, config.seed)
    if not args.quiet:
        print(f"catdog: {plan_training(config).describe()}", file=sys.stderr)
        _print_estimate(config, dataset, args.models_dir)
    # Worker 0 keeps the run record; the other workers train into a scratch folder, removed after.
    scratch = config.strategy == "multiworker" and not multiworker.is_chief() and tempfile.mkdtemp(
        prefix="catdog-worker-")
    bar = TerminalProgress(enabled=not args.quiet)
    try:
        if args.foreground or config.strategy == "multiworker":  # each machine trains in its own process
            catdog.import_tensorflow()  # a process of its own: without the collector (see there)
            run = jobs.run_in_foreground(config, scratch or args.models_dir, listener=bar)
        else:
            run = follow(jobs.start(config, args.models_dir), bar)
            if args.verbose and (run.path / "train.log").exists():  # the trainer logged it there
                sys.stderr.write((run.path / "train.log").read_text())
    finally:
        bar.close()
    summary = {"run_id": run.id, "run_dir": None if scratch else str(run.path), "state": run.state,
               "error": run.error, **run.metrics}
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    text = f"run {run.id}: {run.state}"
    if run.state == State.DONE:
        text += f", validation accuracy {run.metrics['val_accuracy']:.4f} ({run.metrics['seconds']:.0f} s)"
    else:
        text += f"\n{run.error}"
    _print(args, summary, text)
    return 0 if run.state == State.DONE else 1


def _print_estimate(config, dataset, models_dir) -> None:
    """The Train form's estimate, on the terminal: at most how long, and a faster way where one exists."""
    from catdog import runs
    from catdog.data import folders
    from catdog.training import estimate

    train = len(folders.fewer_photos(dataset.train, config.photos_per_class, config.seed).paths)
    guess = estimate.estimate(config, train, len(dataset.validation.paths), runs.list_runs(models_dir))
    text = f"catdog: estimated time here: about {guess.seconds / 60:.1f} min"
    if guess.faster:
        flags = " ".join(f"--{name.replace('_', '-')} {value}" for name, value in guess.faster.items())
        text += f"; faster to much the same end: {flags} (about {guess.faster_seconds / 60:.1f} min)"
    print(text, file=sys.stderr)


def follow(run, listener, every: float = 0.05):
    """Wait for a run the trainer trains, showing its progress; Ctrl-C asks it to stop (a second
    Ctrl-C leaves it running and returns). The trainer stays warm for the next command."""
    from catdog import jobs, runs

    seen = None
    while run.state.waiting:
        try:
            time.sleep(every)
            run = runs.load_run(run.path)
        except KeyboardInterrupt:
            if run.state != State.RUNNING or (run.path / "cancel").exists():
                raise
            print("stopping the run (Ctrl-C again to leave it running)", file=sys.stderr)
            jobs.cancel(run.path)
            continue
        if run.state == State.RUNNING and run.status.get("progress") != seen:
            seen = run.status.get("progress")
            listener(run.progress)
    return run


def evaluate_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("run", help="run id, run folder or 'latest'")
    command.add_argument("--data", required=True)
    _mirror_flag(command)


def cmd_evaluate(args) -> int:
    from catdog.use.evaluate import evaluate

    result = evaluate(args.run, args.data, args.models_dir, mirror=args.mirror)
    lines = [f"{result.run_id} on {result.folder}: accuracy {result.accuracy:.4f} ({len(result.photos)} images)"]
    for name, scores in result.per_class.items():
        lines.append(f"  {name:<12} precision {scores.precision:.3f} recall {scores.recall:.3f} "
                     f"f1 {scores.f1:.3f} n={scores.support}")
    lines.append(f"  confusion matrix (rows true, columns predicted): {result.confusion_matrix}")
    lines += [f"  wrong: {w.path} ({w.true_class} -> {w.predicted_class} {w.confidence:.2f})"
              for w in result.misclassified[:10]]
    values = result.to_dict()
    if not args.json:
        values.pop("photos")
    _print(args, values, "\n".join(lines))
    return 0


def predict_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("run")
    command.add_argument("images", nargs="+")
    _mirror_flag(command)


def cmd_predict(args) -> int:
    from catdog.use.predict import predict

    results = predict(args.run, args.images, args.models_dir, mirror=args.mirror)
    lines = [f"{r.source}: ERROR {r.error}" if r.error else
             f"{r.source}: {r.top_class} {r.confidence:.3f}  " +
             " ".join(f"{k}={v:.3f}" for k, v in r.probabilities.items()) for r in results]
    _print(args, [r.to_dict() for r in results], "\n".join(lines))
    return 1 if any(r.error for r in results) else 0


def explain_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("run")
    command.add_argument("image")
    command.add_argument("--out", default="heatmap.png", help="PNG to write")
    command.add_argument("--class", dest="class_name", default=None, help="default: the predicted class")
    command.add_argument("--opacity", type=float, default=0.45)


def cmd_explain(args) -> int:
    from catdog.use import explain
    from catdog.use.predict import predictor_for

    result = explain.explain(predictor_for(args.run, args.models_dir), args.image, args.class_name)
    explain.overlay(result.photo, result.heatmap, args.opacity).save(args.out)
    prediction = result.prediction
    summary = {"image": args.image, "out": args.out, "class_name": result.class_name,
               "top_class": prediction.top_class, "probabilities": prediction.probabilities}
    _print(args, summary, f"Grad-CAM for {result.class_name} (predicted {prediction.top_class} "
                          f"{prediction.confidence:.3f}) written to {args.out}")
    return 0


def export_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("run")
    command.add_argument("--format", choices=["tflite", "tflite-quantized", "card"], default="tflite")
    command.add_argument("--out", default=None)
    command.add_argument("--language", choices=["en", "pt"], default="en",
                         help="the model card's language: en (English) or pt (Brazilian Portuguese)")


def cmd_export(args) -> int:
    from catdog import runs
    from catdog.use import export

    if args.format == "card":
        text = export.model_card(args.run, args.models_dir, language=args.language)
        out = args.out or f"{runs.load_run(args.run, args.models_dir).id}.md"
        storage.write_atomic(out, text)
        _print(args, {"out": out}, f"model card written to {out}")
        return 0
    quantize = args.format == "tflite-quantized"
    out = args.out or f"{runs.load_run(args.run, args.models_dir).id}{'-int8' if quantize else ''}.tflite"
    result = export.export_tflite(args.run, out, quantize, models_dir=args.models_dir)
    allowed = "" if quantize else f" (allowed: {result['tolerance']})"
    _print(args, result, f"{out}: {result['bytes'] / 1e6:.1f} MB; checked against Keras on {result['photos']} "
                         f"photos: the same top class on {result['same_top_class']} of {result['photos']}, "
                         f"probabilities differ by at most {result['max_abs_difference']:.2g}{allowed}")
    return 0


def runs_options(command: argparse.ArgumentParser) -> None:
    """`runs` takes only the common options."""


def cmd_runs(args) -> int:
    from catdog import runs

    found = runs.list_runs(args.models_dir)
    rows = [{"id": r.id, "state": r.state, "backbone": r.config.backbone, "epochs": r.config.total_epochs,
             "val_accuracy": r.metrics.get("val_accuracy"), "error": r.error} for r in found]
    lines = [f"{r['id']:<40} {r['state']:<10} {r['backbone']:<18} val_acc "
             f"{'-' if r['val_accuracy'] is None else round(r['val_accuracy'], 4)}" for r in rows]
    damaged = runs.list_damaged(args.models_dir)  # listed apart: one bad record hides no other run
    rows += [{"id": d.id, "state": "damaged", "error": d.error.what} for d in damaged]
    lines += [f"{d.id:<40} damaged    {d.error.what}" for d in damaged]
    _print(args, rows, "\n".join(lines) or "no runs yet")
    return 0


def leaderboard_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--test-set", default=None, help="the dataset (a folder name in the data root) that "
                                                          "scores every run; '' for none (default: the one "
                                                          "chosen before)")
    command.add_argument("--root", default=None, help=DATA_ROOT_HELP)


def cmd_leaderboard(args) -> int:
    """Choose the test set (optional), score the runs not scored on it yet, print the ranking."""
    from catdog import jobs, runs
    from catdog.classroom import leaderboard

    if args.test_set is not None:
        leaderboard.choose_test_set(args.test_set or None, None, args.models_dir, args.root)
        if not args.test_set:
            _print(args, [], "no leaderboard: no test set chosen")
            return 0
    test = leaderboard.test_set(args.models_dir)
    if test is None:
        raise CatdogError("no_test_set")
    with jobs.foreground(args.models_dir):  # not beside the trainer, which scores too
        while leaderboard.score_next(args.models_dir):
            pass
    rows = leaderboard.ranking(runs.list_runs(args.models_dir), test)
    lines = [f"{row.rank:>3}. {row.run_id:<40} {row.student:<16} {row.settings['backbone']:<18} "
             f"test_acc {row.test_accuracy:.4f}" for row in rows]
    _print(args, [dataclasses.asdict(row) for row in rows], "\n".join([f"test set: {test.name}", *lines]))
    return 0


def data_options(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="data_command", required=True)
    download = actions.add_parser("download", parents=[common_options()], help="download the sample dataset")
    download.add_argument("--root", default=None, help=DATA_ROOT_HELP)
    inspect = actions.add_parser("inspect", parents=[common_options()], help="counts, sizes and unreadable files")
    inspect.add_argument("dir")


def cmd_data(args) -> int:
    from catdog.data import folders

    if args.data_command == "download":
        path = folders.download_sample(args.root)
        _print(args, {"path": str(path)}, f"sample dataset ready in {path}")
        return 0
    report = folders.inspect(args.dir)
    lines = [f"{split}/{name}: {n} images" for split, classes in report["counts"].items()
             for name, n in classes.items()]
    lines += [f"unreadable: {b['reason']}" for b in report["bad_files"]]
    if not args.json:
        report = {k: v for k, v in report.items() if k != "images"}
    _print(args, report, "\n".join(lines))
    return 0


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per TrainConfig field: its name, default, help and choices come from the field."""
    defaults = TrainConfig(data_dir="")
    for f in dataclasses.fields(TrainConfig):
        names = ALIASES.get(f.name, []) + [f"--{f.name.replace('_', '-')}"]
        default = getattr(defaults, f.name) if f.name != "image_size" else 0
        help_text = f.metadata.get("help", "")
        if f.metadata.get("choices"):
            help_text += f" (one of {', '.join(f.metadata['choices'])})"
        if isinstance(default, bool):
            parser.add_argument(*names, dest=f.name, action=argparse.BooleanOptionalAction, default=default,
                                help=help_text)
        elif f.name == "augmentation":
            parser.add_argument(*names, dest=f.name, default="none",
                                metavar="PRESET|KEY=VALUE,...",
                                help=help_text + f"; presets: {', '.join(augment.PRESETS)}")
        else:
            parser.add_argument(*names, dest=f.name, type=type(default), default=default, required=f.name == "data_dir",
                                help=help_text + ("" if f.name == "data_dir" else " (default: %(default)s)"))


def _mirror_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=None,
                         help="average each photo's probabilities with its mirror's (default: as the run "
                              "was evaluated when it trained, its test_time_mirror)")


def common_options() -> argparse.ArgumentParser:
    """The options every command takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--models-dir", default=None, help="run folders (default: $CATDOG_MODELS_DIR or ./models)")
    common.add_argument("--verbose", action="store_true", help="log what catdog is doing (INFO)")
    return common


# name, help, the function that adds its options, the function that runs it
COMMANDS = (
    ("train", "train a model (in the models folder's trainer)", train_options, cmd_train),
    ("evaluate", "evaluate a run on a folder", evaluate_options, cmd_evaluate),
    ("predict", "class probabilities for photos", predict_options, cmd_predict),
    ("explain", "Grad-CAM heatmap over a photo", explain_options, cmd_explain),
    ("export", "TensorFlow Lite model or model card", export_options, cmd_export),
    ("runs", "list runs", runs_options, cmd_runs),
    ("leaderboard", "score runs on a test set and rank them", leaderboard_options, cmd_leaderboard),
    ("data", "datasets: download the sample, inspect a folder", data_options, cmd_data),
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="catdog", description="Transfer learning on cats and dogs.")
    commands = top.add_subparsers(dest="command", required=True)
    for name, help_text, add_options, run in COMMANDS:
        # `data` takes the common options after its action (`catdog data inspect DIR --json`)
        command = commands.add_parser(name, parents=[] if name == "data" else [common_options()], help=help_text)
        add_options(command)
        command.set_defaults(func=run)
    return top


def _check_path(path: str, flag: str) -> None:
    """An --out file whose folder exists and which is no folder; a --models-dir that is, or can be, a folder."""
    target = Path(path)
    if flag == "out":
        if target.is_dir():
            raise CatdogError("out_is_folder", path=path)
        if not target.parent.is_dir():
            raise CatdogError("out_folder_missing", path=path, folder=str(target.parent))
    elif target.exists() and not target.is_dir():
        raise CatdogError("models_dir_not_folder", path=path)


def main(argv=None) -> int:
    settings.quiet_tensorflow()
    memory.keep_heap_small()  # a huge photo's buffers go back to the system once freed
    args = parser().parse_args(argv)
    # The handler decides what reaches the terminal; loggers stay free to feed a run's train.log.
    terminal = logging.StreamHandler()
    terminal.setLevel(logging.INFO if args.verbose else logging.WARNING)
    terminal.setFormatter(logging.Formatter(settings.LOG_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[terminal])
    try:
        for name in ("out", "models_dir"):
            if getattr(args, name, None):
                _check_path(getattr(args, name), name)
        return args.func(args)
    except CatdogError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a disk full, a folder without write access: one line, not a traceback
        print(f"error: {CatdogError('file_error', path=error.filename or '', reason=error.strerror or error)}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
