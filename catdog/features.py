"""On-disk cache of frozen-backbone features, so a relaunch skips the extraction.

A feature vector depends on the photo's bytes and on the network that computed it:
backbone, image size and weights (and, for random weights, the seed). The cache key
holds all of them, so changing any one of them computes afresh, while a relaunch with
other head settings (epochs, learning rate, dropout...) reuses every vector.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from catdog.config import TrainConfig

FORMAT_VERSION = 2  # bump when decoding or preprocessing changes what a photo becomes (2: TF resize)


def network_key(config: TrainConfig) -> str:
    """Everything about the network that changes the features, as a short hash."""
    from catdog import backbones

    weights = config.weights
    if weights == "imagenet":
        file = backbones.weights_folder() / backbones.get(config.backbone).weights_file(config.image_size)
        weights = f"{file.name}:{file.stat().st_size if file.exists() else 0}"
    else:
        weights = f"random:{config.seed}"
    described = json.dumps([FORMAT_VERSION, config.backbone, config.image_size, weights, config.pooling])
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def file_hash(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:32]


class FeatureCache:
    """Feature vectors by file-content hash, for one network; stored as .npz shards."""

    def __init__(self, config: TrainConfig, root: Path):
        self.folder = Path(root) / network_key(config)
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            for shard in sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []:
                with np.load(shard) as stored:
                    self._vectors.update(zip(stored["hashes"].tolist(), stored["features"]))
        return self._vectors

    def get(self, hashes: list[str]) -> dict[str, np.ndarray]:
        known = self._load()
        return {h: known[h] for h in hashes if h in known}

    def add(self, hashes: list[str], features: np.ndarray) -> None:
        """Write one new shard atomically (temp file + rename); readers never see half of it."""
        if not len(hashes):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]
        tmp = self.folder / f".{name}.{os.getpid()}.tmp.npz"  # two processes adding the same shard never collide
        np.savez(tmp, hashes=np.array(hashes), features=features.astype(np.float32))
        os.replace(tmp, self.folder / f"{name}.npz")
        self._load().update(zip(hashes, features))


def cache_for(config: TrainConfig, models_dir: Path) -> FeatureCache:
    """The cache a models folder's runs share: beside the run folders (or in CATDOG_CACHE_DIR)."""
    return FeatureCache(config, Path(os.environ.get("CATDOG_CACHE_DIR", Path(models_dir) / ".feature_cache")))
