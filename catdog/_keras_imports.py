"""How catdog imports Keras and TensorFlow: fast, and without what it does not use.

Two things, both for start-up time (a trainer's, and a fresh server's first augmented grid):
Keras's own modules find neither scikit-learn nor pandas, and `import_tensorflow` imports the
two frameworks with the garbage collector off, then freezes what they made.
"""

from __future__ import annotations

import sys

# Keras imports scikit-learn (for its scikit-learn wrappers) and pandas (for DataFrame inputs)
# whenever they are installed; catdog uses neither through Keras, and the two took 0.8-1.2 s of
# Keras's ~2.5 s import: the time a trainer takes to start, and a fresh server to draw its first
# augmented grid. So Keras's own modules, and only they, find neither. catdog's feature-space map
# still imports scikit-learn itself, and Keras's wrappers say scikit-learn is missing if called.
_NOT_FOR_KERAS = frozenset({"sklearn", "pandas"})
_MACHINERY = ("importlib", "_frozen_importlib")  # the import system's own frames


class _KerasOptionalImports:
    """A meta path finder: `import sklearn` or `import pandas` written in a `keras.` module fails."""

    def find_spec(self, name, path=None, target=None):
        if name not in _NOT_FOR_KERAS:
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(_MACHINERY):
            frame = frame.f_back  # the import machinery's own frames, up to the importing module
        if frame is not None and frame.f_globals.get("__name__", "").startswith("keras."):
            raise ModuleNotFoundError(f"No module named {name!r} (catdog keeps it from Keras)", name=name)
        return None


def keep_optional_imports_from_keras() -> None:
    """Install the finder (once per process): before Keras is first imported, or it is too late."""
    if not any(isinstance(finder, _KerasOptionalImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, _KerasOptionalImports())


def import_tensorflow() -> None:
    """Import Keras and TensorFlow with the garbage collector off, then freeze what they made.

    The import makes ~400 000 objects and almost no garbage (~1 300 objects), yet the collector's
    passes over them took 0.35 s of its 2.1 s on 2 cores; frozen, they also cost nothing to every
    later full collection (~0.12 s each otherwise: a web page's end, a trainer's long loops).
    The server and the trainer call this before anything imports TensorFlow; elsewhere it is a
    plain import."""
    import gc

    first = not ("keras" in sys.modules and "tensorflow" in sys.modules)
    collecting = gc.isenabled()
    if first:
        gc.disable()
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    finally:
        if first:
            gc.freeze()
            if collecting:
                gc.enable()
