"""Evaluation of a run on a folder of class folders: the numbers and the photos it gets wrong."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catdog.data import folders
from catdog.errors import CatdogError
from catdog.use.predict import predictor_for


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int  # photos of this class


@dataclass(frozen=True)
class ScoredPhoto:
    path: str
    true_class: str
    predicted_class: str
    confidence: float
    probabilities: dict[str, float]

    @property
    def correct(self) -> bool:
        return self.true_class == self.predicted_class


@dataclass(frozen=True)
class Roc:
    """False and true positive rates over every threshold, with the second class as positive."""

    positive_class: str
    false_positive_rate: list[float]
    true_positive_rate: list[float]
    auc: float


@dataclass(frozen=True)
class Unreadable:
    path: str
    error: CatdogError


@dataclass(frozen=True)
class Evaluation:
    run_id: str
    folder: str
    class_names: list[str]
    accuracy: float
    per_class: dict[str, ClassScores]
    confusion_matrix: list[list[int]]  # rows: true class; columns: predicted class
    photos: list[ScoredPhoto]  # every readable photo, in folder order
    unreadable: list[Unreadable]
    roc: Roc | None  # two classes only

    @property
    def misclassified(self) -> list[ScoredPhoto]:
        """The wrong ones, the most confidently wrong first."""
        return sorted((p for p in self.photos if not p.correct), key=lambda p: -p.confidence)

    def cell(self, true_class: str, predicted_class: str) -> list[ScoredPhoto]:
        """The photos of one confusion-matrix cell."""
        return [p for p in self.photos if p.true_class == true_class and p.predicted_class == predicted_class]

    def to_dict(self) -> dict:
        values = dataclasses.asdict(self)
        values["unreadable"] = [{"path": u.path, "reason": str(u.error)} for u in self.unreadable]
        values["misclassified"] = [dataclasses.asdict(p) for p in self.misclassified]
        return values


def evaluation_split(path, class_names: list[str], trained_on=None) -> tuple[folders.Split, str]:
    """A dataset root means its test/ split if it has one, else validation/. A folder of class
    folders that the run (`trained_on`: its TrainConfig) split itself means that split's
    validation photos: the others are the ones it trained on."""
    splits = folders.find_splits(path)
    folder = splits.get("test", splits.get("validation", splits.get("all")))
    if folder is None:
        raise CatdogError("evaluation_no_split", path=str(path))
    if "all" in splits and trained_on is not None and Path(path).resolve() == Path(trained_on.data_dir).resolve():
        dataset = folders.load_dataset(path, trained_on.validation_fraction, trained_on.seed)
        if dataset.class_names == class_names:
            return dataset.validation, str(folder)
    found = folders.class_folders(folder)
    unknown = sorted(set(found) - set(class_names))
    if unknown:
        raise CatdogError("evaluation_unknown_classes", folder=str(folder), unknown=", ".join(unknown),
                          count=len(unknown), classes=", ".join(class_names))
    split = folders.list_split(Path(folder), class_names)
    if not split.paths:
        raise CatdogError("evaluation_no_images", folder=str(folder), classes=", ".join(class_names))
    return split, str(folder)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Rows: true class; columns: predicted class."""
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def per_class(matrix: np.ndarray, class_names: list[str]) -> dict[str, ClassScores]:
    out = {}
    for i, name in enumerate(class_names):
        hits, predicted, actual = matrix[i, i], matrix[:, i].sum(), matrix[i, :].sum()
        precision = hits / predicted if predicted else 0.0
        recall = hits / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = ClassScores(float(precision), float(recall), float(f1), int(actual))
    return out


def roc_curve(is_positive: np.ndarray, scores: np.ndarray, positive_class: str = "") -> Roc | None:
    """The ROC curve of `scores` ranking the positives first; None without both kinds."""
    order = np.argsort(-scores, kind="stable")
    hits = is_positive[order].astype(bool)
    positives, negatives = hits.sum(), (~hits).sum()
    if not positives or not negatives:
        return None
    tpr = np.concatenate([[0.0], np.cumsum(hits) / positives])
    fpr = np.concatenate([[0.0], np.cumsum(~hits) / negatives])
    return Roc(positive_class, fpr.tolist(), tpr.tolist(), float(np.trapezoid(tpr, fpr)))


def evaluate(ref, data_dir, models_dir=None, progress=None, batch_size: int = 64,
             mirror: bool | None = None) -> Evaluation:
    """Accuracy, per-class precision/recall/F1, confusion matrix and every photo's result.
    `mirror`: test-time mirror averaging, as in `predict` (default: the run's `test_time_mirror`)."""
    predictor = predictor_for(ref, models_dir)
    names = predictor.class_names
    split, folder = evaluation_split(data_dir, names, trained_on=predictor.run.config)
    results = []
    for start in range(0, len(split.paths), batch_size):
        results += predictor.predict(split.paths[start:start + batch_size], mirror=mirror)
        if progress:
            progress(len(results), len(split.paths))
    photos = [ScoredPhoto(r.source, names[label], r.top_class, r.confidence, r.probabilities)
              for r, label in zip(results, split.labels) if r.error is None]
    if not photos:
        raise CatdogError("evaluation_unreadable", count=len(results), folder=folder)
    true = np.array([names.index(p.true_class) for p in photos])
    predicted = np.array([names.index(p.predicted_class) for p in photos])
    matrix = confusion_matrix(true, predicted, len(names))
    roc = None
    if len(names) == 2:  # the second class is "positive": P(dogs) ranks the photos
        roc = roc_curve(true == 1, np.array([p.probabilities[names[1]] for p in photos]), names[1])
    return Evaluation(
        run_id=predictor.run.id, folder=folder, class_names=names, accuracy=float((true == predicted).mean()),
        per_class=per_class(matrix, names), confusion_matrix=matrix.tolist(), photos=photos,
        unreadable=[Unreadable(r.source, r.error) for r in results if r.error is not None], roc=roc)
