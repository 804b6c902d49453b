"""What a trained run does: predict, evaluate, explain, and leave catdog.

    predict    warm models in one bounded cache, called on batches (`predict`, `predictor_for`)
    evaluate   a run on a folder: accuracy, confusion matrix, ROC, the photos it gets wrong
    explain    Grad-CAM: which part of the photo made the model say "dog"
    export     TensorFlow Lite (checked against Keras) and the model card
    card_text  the model card's words in English and Brazilian Portuguese
"""

__all__ = ["card_text", "evaluate", "explain", "export", "predict"]
