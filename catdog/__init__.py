"""catdog: transfer learning on photos of cats and dogs, as a package, a CLI and a web app.

Importing catdog is cheap: TensorFlow is imported by the modules that need it
(`model`, `train`, `predict`, ...), and streamlit never is.
"""

__version__ = "0.1.0"
