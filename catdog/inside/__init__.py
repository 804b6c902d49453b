"""Lessons on what happens inside the network (the Inside page and the one-click experiments).

    anatomy      its layers and what they cost, feature maps, what preprocessing does to the pixels
    featuremap   the feature space of pretrained against random weights, as a map and two numbers
    experiments  the overfitting experiment, its twin, the preprocessing mistake, and the gap they show
"""

__all__ = ["anatomy", "experiments", "featuremap"]
