"""The model card's words in English and Brazilian Portuguese: templates that `export.model_card` fills.

Kept as data, both languages of a line side by side in one place, so that a test can check that
every line exists in both with the same placeholders. Identifiers stay as they are in both:
setting names, file names, code, the backbone's name. The core has no page catalogue (it never
imports webui), hence this small one of its own.
"""

from __future__ import annotations

CARD: dict[str, dict[str, str]] = {
    "title": {"en": "# Model card: {run}", "pt": "# Ficha do modelo: {run}"},
    "intro": {
        "en": "An image classifier for **{classes}**, made with catdog by transfer learning from `{backbone}` "
              "({weights}).",
        "pt": "Um classificador de imagens para **{classes}**, feito com o catdog por transferência de "
              "aprendizado a partir de `{backbone}` ({weights}).",
    },
    "weights.imagenet": {"en": "ImageNet weights", "pt": "pesos do ImageNet"},
    "weights.none": {"en": "random initial weights", "pt": "pesos iniciais aleatórios"},
    "unknown_classes": {"en": "unknown", "pt": "desconhecidas"},
    "data": {"en": "## Data", "pt": "## Dados"},
    "dataset": {"en": "- Dataset: `{data_dir}`", "pt": "- Conjunto de dados: `{data_dir}`"},
    "photos": {"en": "- Training photos: {train}; validation photos: {validation}",
               "pt": "- Fotos de treino: {train}; fotos de validação: {validation}"},
    "skipped": {"en": "- Unreadable photos skipped: {count}", "pt": "- Fotos ilegíveis deixadas de fora: {count}"},
    "settings": {"en": "## Settings", "pt": "## Ajustes"},
    "settings_header": {"en": "| setting | value |", "pt": "| ajuste | valor |"},
    "augmentation_on": {"en": "on: {config}", "pt": "ligado: {config}"},
    "augmentation_off": {"en": "off", "pt": "desligado"},
    "metrics": {"en": "## Metrics (validation photos)", "pt": "## Métricas (fotos de validação)"},
    "accuracy": {"en": "- Accuracy: {accuracy:.4f}; loss: {loss:.4f}",
                 "pt": "- Acurácia: {accuracy:.4f}; perda: {loss:.4f}"},
    "epochs": {"en": "- Epochs run: {epochs}; training time: {seconds} s",
               "pt": "- Épocas executadas: {epochs}; tempo de treino: {seconds} s"},
    "use": {"en": "## How to use this model", "pt": "## Como usar este modelo"},
    "use.opens": {
        "en": "`model.keras` opens in Python with only Keras 3 and TensorFlow installed (catdog is not needed), "
              "in Keras's default safe mode.",
        "pt": "`model.keras` abre em Python só com Keras 3 e TensorFlow instalados (o catdog não é necessário), "
              "no modo seguro padrão do Keras.",
    },
    "use.input": {
        "en": "- Input: raw RGB photos, 0-255, as float32 of shape (N, {size}, {size}, 3). No preprocessing: "
              "the scaling `{backbone}` needs is inside the model.",
        "pt": "- Entrada: fotos RGB brutas, de 0 a 255, em float32 com formato (N, {size}, {size}, 3). Sem "
              "pré-processamento: a escala de que `{backbone}` precisa está dentro do modelo.",
    },
    "use.output": {
        "en": "- Output: softmax probabilities of shape (N, {count}), in this class order: {classes}.",
        "pt": "- Saída: probabilidades softmax com formato (N, {count}), nesta ordem de classes: {classes}.",
    },
    "use.resize": {
        "en": "- catdog resizes photos with `tf.image.resize` (bilinear, no antialiasing); another resize "
              "gives slightly different probabilities.",
        "pt": "- O catdog redimensiona as fotos com `tf.image.resize` (bilinear, sem antialiasing); outro "
              "redimensionamento dá probabilidades um pouco diferentes.",
    },
    "use.mirror": {
        "en": "- catdog's own answers average each photo with its horizontal mirror (the run's `test_time_mirror`): "
              "for the same probabilities, average the model's outputs on a batch and on `batch[:, :, ::-1]` "
              "(the batch mirrored left to right).",
        "pt": "- As respostas do próprio catdog fazem a média de cada foto com o seu espelho horizontal "
              "(`test_time_mirror` do treino): para as mesmas probabilidades, faça a média das saídas do modelo "
              "para um lote e para `batch[:, :, ::-1]` (o lote espelhado da esquerda para a direita).",
    },
    "limits": {"en": "## Limits", "pt": "## Limites"},
    "limits.few_thousand": {"en": "a few thousand", "pt": "alguns milhares de"},
    "limits.only": {
        "en": "- Trained on {train} photos. It only knows {classes}: a photo of anything else (another animal, "
              "a drawing, a person) still gets one of these answers.",
        "pt": "- Treinado com {train} fotos. Ele só conhece {classes}: uma foto de qualquer outra coisa (outro "
              "animal, um desenho, uma pessoa) ainda recebe uma destas respostas.",
    },
    "limits.unlike": {
        "en": "- Photos unlike the training ones (very dark, tiny, several animals, unusual angles) are more "
              "often wrong; check the Evaluate page's most confident mistakes.",
        "pt": "- Fotos diferentes das de treino (muito escuras, minúsculas, com vários animais, de ângulos "
              "incomuns) erram com mais frequência; veja os erros mais confiantes na página Avaliar.",
    },
    "limits.confidence": {
        "en": "- Probabilities are the model's confidence, not a guarantee; a high one can still be wrong.",
        "pt": "- As probabilidades são a confiança do modelo, não uma garantia; uma probabilidade alta ainda "
              "pode estar errada.",
    },
}

LANGUAGES = ("en", "pt")
