"""How a run will train, decided before anything is loaded: the route of phase 1, and why.

`plan_training` is the one place that decides it; `train`, the CLI and the pages read it.
Importing this module is cheap (no TensorFlow), so the web server can show the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from catdog.config import TrainConfig
from catdog.network import backbones


class Route(StrEnum):
    """The way phase 1 trains. The pages and the CLI show it, with its reason."""

    CACHED = "cached"  # frozen pretrained base, no augmentation: features once per photo, on disk
    VIEWS = "views"  # frozen base, augmentation: features of K augmented views per photo, in memory
    STREAMING = "streaming"  # frozen base, augmentation: augmented photos through the network every epoch
    SCRATCH = "scratch"  # no pretrained base: every layer learns, photos stream every epoch
    MULTIWORKER = "multiworker"  # several machines: each streams its shard (a cache here is not there)


REASONS = {
    Route.CACHED: "the frozen backbone's features are computed once per photo and cached; the head trains on them",
    Route.VIEWS: "{views} augmented versions of each photo go through the frozen backbone once; "
                 "the head trains on one version per epoch",
    Route.STREAMING: "augmented photos differ every epoch, so each epoch streams them through the whole network",
    Route.SCRATCH: "a network without pretrained weights learns in every layer, so photos stream every epoch",
    Route.MULTIWORKER: "each machine streams its share of the photos; gradients are summed after every step",
}


@dataclass(frozen=True)
class TrainingPlan:
    route: Route
    views: int  # augmented views per photo (Route.VIEWS), else 0
    fine_tune: bool  # phase 2 runs: it always streams photos
    keep_decoded: bool  # decoded photos are read more than once, so tf.data keeps them in memory

    @property
    def features_cached(self) -> bool:
        return self.route in (Route.CACHED, Route.VIEWS)

    def describe(self) -> str:
        text = f"{self.route.value}: {REASONS[self.route].format(views=self.views)}"
        return text + ("; then fine-tuning streams the photos" if self.fine_tune else "")


def plan_training(config: TrainConfig) -> TrainingPlan:
    """The one place that decides how a run trains: `train`, the CLI and the Train page read it."""
    pretrained = backbones.get(config.backbone).pretrained
    if config.strategy == "multiworker":
        route = Route.MULTIWORKER
    elif not pretrained:
        route = Route.SCRATCH
    elif not config.augmentation.enabled:
        route = Route.CACHED
    elif config.augmented_views:
        route = Route.VIEWS
    else:
        route = Route.STREAMING
    fine_tune = pretrained and config.fine_tune_epochs > 0
    cached = route in (Route.CACHED, Route.VIEWS)
    return TrainingPlan(route, config.augmented_views if route is Route.VIEWS else 0, fine_tune,
                        keep_decoded=not cached or fine_tune)
