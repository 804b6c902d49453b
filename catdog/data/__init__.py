"""Photos in: from files to the pixels and batches a network sees.

    images     one decoder for every photo (any format -> 8-bit RGB, EXIF turned, resized as in training)
    folders    dataset folders in the Keras layout (`load_dataset` -> `DatasetFiles`), inspecting, the sample
    pipeline   the tf.data input pipeline (decoding in parallel, cache budget, batch passes)
    augment    `AugmentConfig`, its presets, and the Keras layers that apply it
    views      K augmented views of each photo, computed once (augmentation on the fast path)

None of these imports TensorFlow when imported, except `views`.
"""

__all__ = ["augment", "folders", "images", "pipeline", "views"]
