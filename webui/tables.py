"""Tables more than one page shows: how runs' settings differ."""

from __future__ import annotations

import pandas as pd

from catdog import runs
from catdog.classroom import leaderboard
from webui.text import number, t


def value_text(value) -> str:
    """A setting's value as a reader expects it: on/off, not True/False; 0.001, not 0.0010."""
    if isinstance(value, bool):
        return t("on") if value else t("off")
    if value is None:
        return "-"
    return number(value, "g") if isinstance(value, float) else str(value)


# A setting by the words the Train form (or the Augmentation page) gives it; those no form shows
# have words of their own in the catalogue ("setting.*"), never a TrainConfig field name.
LABELS = {"backbone": "train.backbone", "image_size": "train.size", "epochs": "train.epochs",
          "batch_size": "train.batch", "learning_rate": "train.lr", "pooling": "train.pooling",
          "dense_units": "train.dense", "dropout": "train.dropout", "mirror_views": "train.mirror_views",
          "test_time_mirror": "train.test_time_mirror", "augmented_views": "train.views",
          "fine_tune_epochs": "train.ft_epochs", "fine_tune_at": "train.ft_at",
          "fine_tune_learning_rate": "train.ft_lr", "early_stopping_patience": "train.patience",
          "augmentation": "train.augmentation", "augmentation.horizontal_flip": "aug.hflip",
          "augmentation.vertical_flip": "aug.vflip", "augmentation.fill_mode": "aug.fill"}
UNLISTED = ("data_dir", "weights", "weight_decay", "cosine_decay", "label_smoothing", "photos_per_class",
            "validation_fraction", "seed", "strategy", "preprocessing", "mixed_precision")


def setting_name(name: str) -> str:
    """A TrainConfig setting (or `augmentation.<name>`) in the reader's words."""
    if name in LABELS:
        return t(LABELS[name])
    if name in UNLISTED:
        return t(f"setting.{name}")
    if name.startswith("augmentation."):
        return t(f"aug.{name.split('.', 1)[1]}")
    return name


def settings_differ(listed: list[runs.Run], columns: list[str] | None = None) -> pd.DataFrame:
    """One row per setting the runs do not agree on, e.g. `augmentation.rotation | 0 | 20`, with a
    column per run (named `columns`, default the run ids) and, for two runs, `0 → 20`."""
    differ = leaderboard.settings_that_differ(listed)
    columns = columns or [run.id for run in listed]
    rows = []
    for name, values in differ.items():
        if name == "backbone":
            values = [t(f"backbone.{value}") for value in values]
        row = {t("col.setting"): setting_name(name), **dict(zip(columns, map(value_text, values)))}
        if len(listed) == 2:
            row[t("col.change")] = f"{value_text(values[0])} → {value_text(values[1])}"
        rows.append(row)
    return pd.DataFrame(rows)
