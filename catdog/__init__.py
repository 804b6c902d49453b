"""catdog: transfer learning on photos of cats and dogs, as a package, a CLI and a web app.

The house, by stage (each subpackage's `__init__` says what it offers):

    cli, jobs            the ways in: the terminal, and the trainer with its queue
    settings, storage    the base: the one reader of the environment; atomic writes, tolerant reads
    runs, config         run folders (the one reader of them) and TrainConfig, their settings
    errors, access, language   keyed messages, who may change what, numbers in a reader's language
    data/                photos in: decoding, dataset folders, tf.data pipelines, augmentation
    network/             the backbone registry, their weights, the classifier built on them
    training/            how a run trains: plan, phases, the feature cache, progress
    use/                 what a trained run does: predict, evaluate, explain, export
    inside/              lessons on what happens inside the network
    classroom/           a class on one server: datasets, imports, collections, the leaderboard

Importing catdog is cheap: TensorFlow is imported by the modules that need it, and
streamlit never is.
"""

from catdog import settings
from catdog._keras_imports import import_tensorflow, keep_optional_imports_from_keras

__version__ = "0.1.0"
__all__ = ["import_tensorflow", "__version__"]

keep_optional_imports_from_keras()
settings.threads_for_quota()  # before any catdog module imports TensorFlow
