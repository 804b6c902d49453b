"""`python -m catdog ...`: everything the app does, for terminals, notebooks and CI.

Every command takes `--json` for machine-readable output. A problem the user can fix
(a missing folder, an unknown backbone, an unreadable photo) is printed as a message,
never as a traceback, and the exit code is non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

from catdog import augment, backbones
from catdog.errors import CatdogError


class ProgressBar:
    """A one-line progress bar on stderr (a new line per update when not a terminal)."""

    def __init__(self, enabled: bool = True, stream=sys.stderr):
        self.enabled, self.stream = enabled, stream
        self.tty = stream.isatty()
        self._last = ("", 0.0)

    def __call__(self, progress: dict) -> None:
        if not self.enabled:
            return
        fraction = progress.get("fraction") or 0.0
        bar = "#" * int(fraction * 30)
        phase = progress.get("phase", "")
        if phase == "extracting features":
            detail = f"{progress.get('split')} {progress.get('images_done')}/{progress.get('images_total')} images"
        else:
            detail = f"epoch {progress.get('epoch', '-')}/{progress.get('total_epochs', '-')}"
            if progress.get("loss") is not None:
                detail += f" loss {progress['loss']:.3f} acc {progress.get('accuracy') or 0:.3f}"
            if progress.get("eta_seconds") is not None:
                detail += f" eta {progress['eta_seconds']:.0f}s"
        line = f"{phase:<20} [{bar:<30}] {fraction:6.1%} {detail}"
        now = time.time()
        if self.tty:
            self.stream.write("\r" + line[:150].ljust(150))
        elif line.split("[")[0] != self._last[0].split("[")[0] or now - self._last[1] > 5:
            self.stream.write(line + "\n")  # logs: at most one line every 5 s per phase
        else:
            return
        self._last = (line, now)
        self.stream.flush()

    def close(self):
        if self.enabled and self.tty:
            self.stream.write("\n")


def _print(args, value, text: str) -> None:
    print(json.dumps(value, indent=2, default=str) if args.json else text)


def cmd_train(args) -> int:
    from catdog import jobs
    from catdog.config import TrainConfig

    config = TrainConfig(
        data_dir=args.data, backbone=args.backbone, epochs=args.epochs, batch_size=args.batch_size,
        image_size=args.image_size or 0, learning_rate=args.learning_rate, weights=args.weights,
        fine_tune_epochs=args.fine_tune_epochs, augmentation=augment.preset(args.augment), seed=args.seed,
        early_stopping_patience=args.patience, dropout=args.dropout, augmented_views=args.augmented_views, strategy=args.strategy,
        mixed_precision=args.mixed_precision)
    from catdog import data, multiworker
    data.load_dataset(config.data_dir, config.validation_fraction, config.seed)  # fail before the run exists
    # Worker 0 keeps the run record; the other workers train into a scratch folder, removed after.
    scratch = config.strategy == "multiworker" and not multiworker.is_chief() and tempfile.mkdtemp(
        prefix="catdog-worker-")
    bar = ProgressBar(enabled=not args.quiet)
    run = jobs.run_in_foreground(config, scratch or args.models_dir, listener=bar)
    bar.close()
    metrics = run.metrics
    summary = {"run_id": run.id, "run_dir": None if scratch else str(run.path), "state": run.state,
               "error": run.status.get("error"), **metrics}
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    text = f"run {run.id}: {run.state}"
    if run.state == "done":
        text += f", validation accuracy {metrics['val_accuracy']:.4f} ({metrics['seconds']:.0f} s)"
    else:
        text += f"\n{run.status.get('error')}"
    _print(args, summary, text)
    return 0 if run.state == "done" else 1


def cmd_evaluate(args) -> int:
    from catdog.evaluate import evaluate

    result = evaluate(args.run, args.data, args.models_dir)
    lines = [f"{result['run']} on {result['data']}: accuracy {result['accuracy']:.4f} "
             f"({result['images']} images)"]
    for name, scores in result["per_class"].items():
        lines.append(f"  {name:<12} precision {scores['precision']:.3f} recall {scores['recall']:.3f} "
                     f"f1 {scores['f1']:.3f} n={scores['support']}")
    lines.append(f"  confusion matrix (rows true, columns predicted): {result['confusion_matrix']}")
    lines += [f"  wrong: {w['path']} ({w['true_class']} -> {w['predicted_class']} {w['confidence']:.2f})"
              for w in result["misclassified"][:10]]
    if not args.json:
        result = {k: v for k, v in result.items() if k != "predictions"}
    _print(args, result, "\n".join(lines))
    return 0


def cmd_predict(args) -> int:
    from catdog.predict import predict

    results = predict(args.run, args.images, args.models_dir)
    lines = [f"{r['source']}: ERROR {r['error']}" if r["error"] else
             f"{r['source']}: {r['top_class']} {r['confidence']:.3f}  " +
             " ".join(f"{k}={v:.3f}" for k, v in r["probabilities"].items()) for r in results]
    _print(args, results, "\n".join(lines))
    return 1 if any(r["error"] for r in results) else 0


def cmd_explain(args) -> int:
    from catdog import explain
    from catdog.predict import predictor_for

    result = explain.explain(predictor_for(args.run, args.models_dir), args.image, args.class_name)
    explain.overlay(result["photo"], result["heatmap"], args.opacity).save(args.out)
    summary = {"image": args.image, "out": args.out, "class_name": result["class_name"],
               "top_class": result["top_class"], "probabilities": result["probabilities"]}
    _print(args, summary, f"Grad-CAM for {result['class_name']} (predicted {result['top_class']} "
                          f"{result['confidence']:.3f}) written to {args.out}")
    return 0


def cmd_export(args) -> int:
    from catdog import export, runs

    if args.format == "card":
        text = export.model_card(args.run, args.models_dir)
        out = args.out or f"{runs.load_run(args.run, args.models_dir).id}.md"
        runs.write_atomic(out, text)
        _print(args, {"out": out}, f"model card written to {out}")
        return 0
    quantize = args.format == "tflite-quantized"
    out = args.out or f"{runs.load_run(args.run, args.models_dir).id}{'-int8' if quantize else ''}.tflite"
    result = export.export_tflite(args.run, out, quantize, models_dir=args.models_dir)
    _print(args, result, f"{out}: {result['bytes'] / 1e6:.1f} MB; on {result['photos']} photos TFLite differs "
                         f"from Keras by at most {result['max_abs_difference']:.2g} (tolerance {result['tolerance']})")
    return 0


def cmd_runs(args) -> int:
    from catdog import runs

    found = runs.list_runs(args.models_dir)
    rows = [{"id": r.id, "state": r.state, "backbone": r.config.backbone, "epochs": r.config.total_epochs,
             "val_accuracy": r.metrics.get("val_accuracy"), "error": r.status.get("error")} for r in found]
    lines = [f"{r['id']:<40} {r['state']:<10} {r['backbone']:<18} val_acc "
             f"{r['val_accuracy'] if r['val_accuracy'] is None else round(r['val_accuracy'], 4)}" for r in rows]
    _print(args, rows, "\n".join(lines) or "no runs yet")
    return 0


def cmd_data(args) -> int:
    from catdog import data

    if args.data_command == "download":
        path = data.download_sample(args.root)
        _print(args, {"path": str(path)}, f"sample dataset ready in {path}")
        return 0
    report = data.inspect(args.dir)
    lines = [f"{split}/{name}: {n} images" for split, classes in report["counts"].items()
             for name, n in classes.items()]
    lines += [f"unreadable: {b['reason']}" for b in report["bad_files"]]
    if not args.json:
        report = {k: v for k, v in report.items() if k != "images"}
    _print(args, report, "\n".join(lines))
    return 0


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--models-dir", default=None, help="run folders (default: $CATDOG_MODELS_DIR or ./models)")
    top = argparse.ArgumentParser(prog="python -m catdog", description="Transfer learning on cats and dogs.")
    sub = top.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", parents=[common], help="train a model in the foreground")
    t.add_argument("--data", required=True, help="dataset folder")
    t.add_argument("--backbone", default=backbones.DEFAULT_BACKBONE, help=f"one of {', '.join(backbones.REGISTRY)}")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--image-size", type=int, default=0, help="default: the backbone's own")
    t.add_argument("--learning-rate", type=float, default=1e-3)
    t.add_argument("--fine-tune-epochs", type=int, default=0)
    t.add_argument("--augment", default="none", help=f"preset: {', '.join(augment.PRESETS)}")
    t.add_argument("--patience", type=int, default=3, help="early-stopping patience in epochs (0: off)")
    t.add_argument("--augmented-views", type=int, default=0,
                   help="with --augment: cache this many augmented views per photo instead of streaming")
    t.add_argument("--weights", default="imagenet", choices=["imagenet", "none"])
    t.add_argument("--seed", type=int, default=1337)
    t.add_argument("--dropout", type=float, default=0.2)
    t.add_argument("--strategy", default="auto", choices=["auto", "single", "mirrored", "multiworker"],
                   help="auto: every GPU of this machine; multiworker: several machines, described by TF_CONFIG")
    t.add_argument("--mixed-precision", action="store_true", help="float16 compute on GPUs")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_train)
    e = sub.add_parser("evaluate", parents=[common], help="evaluate a run on a folder")
    e.add_argument("run", help="run id, run folder or 'latest'")
    e.add_argument("--data", required=True)
    e.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("predict", parents=[common], help="class probabilities for photos")
    p.add_argument("run")
    p.add_argument("images", nargs="+")
    p.set_defaults(func=cmd_predict)
    x = sub.add_parser("explain", parents=[common], help="Grad-CAM heatmap over a photo")
    x.add_argument("run")
    x.add_argument("image")
    x.add_argument("--out", default="heatmap.png", help="PNG to write")
    x.add_argument("--class", dest="class_name", default=None, help="default: the predicted class")
    x.add_argument("--opacity", type=float, default=0.45)
    x.set_defaults(func=cmd_explain)
    o = sub.add_parser("export", parents=[common], help="TensorFlow Lite model or model card")
    o.add_argument("run")
    o.add_argument("--format", choices=["tflite", "tflite-quantized", "card"], default="tflite")
    o.add_argument("--out", default=None)
    o.set_defaults(func=cmd_export)
    sub.add_parser("runs", parents=[common], help="list runs").set_defaults(func=cmd_runs)
    d = sub.add_parser("data", help="datasets")
    dsub = d.add_subparsers(dest="data_command", required=True)
    dl = dsub.add_parser("download", parents=[common], help="download the sample dataset")
    dl.add_argument("--root", default=None, help="data root (default: $CATDOG_DATA_DIR or ./data)")
    di = dsub.add_parser("inspect", parents=[common], help="counts, sizes and unreadable files")
    di.add_argument("dir")
    d.set_defaults(func=cmd_data)
    return top


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CatdogError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
