"""Are a backbone's ImageNet weights on this machine, or can they be fetched? (cheap: no Keras import)

The Train page says per backbone whether its weights are ready, will be downloaded or cannot be
had; a launch whose weights can be neither found nor fetched is refused with the one change that
trains here. Kept apart from the registry (`backbones`), which is plain data.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from catdog.errors import CatdogError, short_reason
from catdog.network import backbones
from catdog.settings import behind_proxy, keras_home, limits, offline

WEIGHTS_HOST = "storage.googleapis.com"  # where keras.applications downloads its weights from
_reachable: dict[str, tuple[float, bool]] = {}


def weights_folder() -> Path:
    """Where Keras keeps (and downloads) application weights: KERAS_HOME/models. Keras reads
    KERAS_HOME once, at import, so a process that imported Keras asks Keras; the others apply
    Keras's own rule (KERAS_HOME, else ~/.keras, else /tmp/.keras) without importing it."""
    if "keras" in sys.modules:
        from keras.src.backend import config as keras_config

        return Path(keras_config.keras_home()) / "models"
    home = keras_home()
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return Path(home) / "models"


def weights_reachable(timeout: float = 1.5) -> bool:
    """Whether the weights' server answers (remembered for a minute). `CATDOG_OFFLINE=1` says no
    without asking: a school without internet, or tests that must not depend on the network."""

    if offline():
        return False
    if behind_proxy():
        return True  # a school's proxy: a direct connection would fail where Keras's download works
    checked, answer = _reachable.get(WEIGHTS_HOST, (0.0, False))
    if time.monotonic() - checked < 60:
        return answer
    try:
        socket.create_connection((WEIGHTS_HOST, 443), timeout=timeout).close()
        answer = True
    except OSError:  # no DNS, no route, refused, timed out: all mean "cannot download now"
        answer = False
    _reachable[WEIGHTS_HOST] = (time.monotonic(), answer)
    return answer


@dataclass(frozen=True)
class WeightsStatus:
    """What launching a backbone with ImageNet weights would need: "ready" (on this machine),
    "download" (`download_mb` to fetch first), "offline" (absent, and no way to fetch them),
    or "none" (trained from scratch: no weights to get)."""

    backbone: str
    state: str
    download_mb: float = 0.0

    @property
    def usable(self) -> bool:
        return self.state != "offline"


def weights_status(name: str, image_size: int | None = None) -> WeightsStatus:
    entry = backbones.get(name)
    if not entry.pretrained:
        return WeightsStatus(name, "none")
    if (weights_folder() / entry.weights_file(image_size or entry.default_size)).is_file():
        return WeightsStatus(name, "ready")
    return WeightsStatus(name, "download" if weights_reachable() else "offline", entry.download_mb)


def ready_instead(allowed: tuple[str, ...] | None = None, other_than: str = "") -> str:
    """A backbone that trains here and now: the first pretrained one whose weights are on this
    machine, else the CNN from scratch (which needs none)."""
    names = [name for name in backbones.REGISTRY if (allowed is None or name in allowed) and name != other_than]
    ready = [name for name in names if backbones.REGISTRY[name].pretrained and weights_status(name).state == "ready"]
    from_scratch = [name for name in names if not backbones.REGISTRY[name].pretrained]
    return (ready or from_scratch or [backbones.DEFAULT_BACKBONE])[0]


def default_for_here(allowed: tuple[str, ...] | None = None) -> str:
    """The default backbone, unless its weights can be neither found nor fetched: then one that
    trains here, so a class offline does not start with a job bound to fail."""
    if (allowed is None or backbones.DEFAULT_BACKBONE in allowed) and weights_status(backbones.DEFAULT_BACKBONE).usable:
        return backbones.DEFAULT_BACKBONE
    return ready_instead(allowed)


def weights_unavailable(name: str, image_size: int, error: Exception | None = None) -> CatdogError:
    """The error for weights that are neither here nor downloadable, with the one change that
    trains here (the page offers it as one click): the backbone's own size, when only the size
    chosen lacks its weights (Keras keeps a file per size: MobileNet 0.25's 192 px ones are not
    those of 224 px, which 320 px uses), else a backbone that trains here."""

    entry = backbones.get(name)
    cached = weights_folder() / entry.weights_file(image_size)
    where = {"reason": short_reason(error), "file": cached.name, "folder": str(cached.parent)}
    if image_size != entry.default_size and weights_status(name).usable:
        return CatdogError("weights_unavailable_at_size", backbone=name, image_size=image_size,
                           ready_size=entry.default_size, **where)
    return CatdogError("weights_unavailable", backbone=name, instead=ready_instead(limits().backbones, other_than=name),
                       **where)
