"""Evaluation of a run on a folder of class folders: the numbers and the photos it gets wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from catdog import data
from catdog.errors import CatdogError
from catdog.predict import predictor_for


def _evaluation_split(path, class_names: list[str]) -> tuple[data.Split, str]:
    """A dataset root means its test/ split if it has one, else validation/."""
    splits = data.find_splits(path)
    folder = splits.get("test", splits.get("validation", splits.get("all")))
    if folder is None:
        raise CatdogError(f"{path} has train/ but neither validation/ nor test/ to evaluate on.")
    found = data.class_folders(folder)
    unknown = sorted(set(found) - set(class_names))
    if unknown:
        raise CatdogError(f"{folder} has class folder(s) {unknown} that the model does not know.",
                          expected=f"folders named after the model's classes: {class_names}")
    split = data.list_split(Path(folder), class_names)
    if not split.paths:
        raise CatdogError(f"{folder} holds no images in folders named {class_names}.")
    return split, str(folder)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Rows: true class; columns: predicted class."""
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def per_class(matrix: np.ndarray, class_names: list[str]) -> dict:
    out = {}
    for i, name in enumerate(class_names):
        tp = matrix[i, i]
        precision = tp / matrix[:, i].sum() if matrix[:, i].sum() else 0.0
        recall = tp / matrix[i, :].sum() if matrix[i, :].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                     "support": int(matrix[i, :].sum())}
    return out


def roc_curve(is_positive: np.ndarray, scores: np.ndarray) -> dict:
    """False/true positive rates over every threshold, and the area under the curve."""
    order = np.argsort(-scores, kind="stable")
    hits = is_positive[order].astype(bool)
    positives, negatives = hits.sum(), (~hits).sum()
    if not positives or not negatives:
        return {"fpr": [], "tpr": [], "auc": None}
    tpr = np.concatenate([[0.0], np.cumsum(hits) / positives])
    fpr = np.concatenate([[0.0], np.cumsum(~hits) / negatives])
    return {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "auc": float(np.trapezoid(tpr, fpr))}


def evaluate(ref, data_dir, models_dir=None, progress=None, batch_size: int = 64) -> dict:
    """Accuracy, per-class precision/recall/F1, confusion matrix and misclassified files."""
    predictor = predictor_for(ref, models_dir)
    names = predictor.class_names
    split, folder = _evaluation_split(data_dir, names)
    results = []
    for start in range(0, len(split.paths), batch_size):
        results += predictor.predict(split.paths[start:start + batch_size])
        if progress:
            progress(len(results), len(split.paths))
    readable = [(r, label) for r, label in zip(results, split.labels) if r["error"] is None]
    if not readable:
        raise CatdogError(f"None of the {len(results)} images in {folder} could be read.")
    true = np.array([label for _, label in readable])
    predicted = np.array([names.index(r["top_class"]) for r, _ in readable])
    matrix = confusion_matrix(true, predicted, len(names))
    wrong = [{"path": r["source"], "true_class": names[label], "predicted_class": r["top_class"],
              "confidence": r["confidence"], "probabilities": r["probabilities"]}
             for r, label in readable if r["top_class"] != names[label]]
    wrong.sort(key=lambda item: -item["confidence"])  # the most confidently wrong first
    roc = None
    if len(names) == 2:  # the second class is "positive": P(dogs) ranks the photos
        roc = roc_curve(true == 1, np.array([r["probabilities"][names[1]] for r, _ in readable]))
    return {
        "run": predictor.run.id, "data": folder, "images": len(readable),
        "accuracy": float((true == predicted).mean()), "class_names": names,
        "per_class": per_class(matrix, names), "confusion_matrix": matrix.tolist(),
        "misclassified": wrong, "roc": roc,
        "unreadable": [{"path": r["source"], "reason": r["error"]} for r in results if r["error"]],
        "predictions": [{"path": r["source"], "true_class": names[label], **{
            k: r[k] for k in ("top_class", "confidence", "probabilities")}} for r, label in readable],
    }
