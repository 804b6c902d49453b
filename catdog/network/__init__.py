"""The networks: which backbones there are, whether their weights are here, and the classifier.

    backbones  the registry: plain data, one `Backbone` per network a class can train
    weights    are a backbone's ImageNet weights on this machine, or can they be fetched?
    model      the flat Keras classifier (0-255 RGB in, probabilities out) built on a backbone

`model` imports Keras; the other two never do.
"""

__all__ = ["backbones", "model", "weights"]
