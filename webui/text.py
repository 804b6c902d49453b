"""Every text the app shows, in English and Brazilian Portuguese: one catalogue, no text in pages.

`t("side.training", run=run_id)` returns a text in the language chosen in the sidebar (default:
the browser's language). A test checks that every key has both languages and the same
placeholders in each. The catalogue is data, kept in one file so that both languages of a
text sit side by side; a text with a count holds its plural forms, one and other, as data.
"""

from __future__ import annotations

import streamlit as st

from catdog.language import FORMATTERS, choose_form

LANGUAGES = {"en": "English", "pt": "Português (Brasil)"}

# A text is a string, or its plural forms {"one": ..., "other": ...}, chosen by the `count` it is given.
S: dict[str, dict[str, str | dict[str, str]]] = {
    # app and sidebar
    "nav.home": {"en": "Home", "pt": "Início"},
    "nav.dataset": {"en": "Dataset", "pt": "Dados"},
    "nav.augment": {"en": "Augmentation", "pt": "Aumento de dados"},
    "nav.train": {"en": "Train", "pt": "Treinar"},
    "nav.curves": {"en": "Training curves", "pt": "Curvas de treino"},
    "nav.predict": {"en": "Predict", "pt": "Prever"},
    "nav.evaluate": {"en": "Evaluate", "pt": "Avaliar"},
    "nav.export": {"en": "Export", "pt": "Exportar"},
    "nav.leaderboard": {"en": "Leaderboard", "pt": "Ranking"},
    "side.language": {"en": "Language", "pt": "Idioma"},
    "side.dataset": {"en": "Dataset", "pt": "Conjunto de dados"},
    "side.dataset_help": {"en": "Folders under the data root {root}", "pt": "Pastas dentro da raiz de dados {root}"},
    "side.no_dataset": {"en": "No dataset yet: see Home.", "pt": "Ainda sem dados: veja o Início."},
    "side.new_run": {"en": "Your new run is ready: {run}.", "pt": "Seu novo treino está pronto: {run}."},
    "side.use_new_run": {"en": "Use it", "pt": "Usar este"},
    "side.run": {"en": "Run", "pt": "Treino"},
    "side.run_help": {"en": "The model Predict and Evaluate use", "pt": "O modelo usado em Prever e Avaliar"},
    "side.training": {"en": "Training {run}", "pt": "Treinando {run}"},
    "side.classmate": {"en": "a classmate's run", "pt": "o modelo de um colega"},
    "side.idle": {"en": "No training job running.", "pt": "Nenhum treino em andamento."},
    "side.queued": {"en": {"one": "{count} run queued.", "other": "{count} runs queued."},
                    "pt": {"one": "{count} treino na fila.", "other": "{count} treinos na fila."}},
    "side.hosted": {"en": "Shared server: up to {epochs} epochs, uploads up to {mb} MB, small backbones only.",
                    "pt": "Servidor compartilhado: até {epochs} épocas, envios até {mb} MB, só redes pequenas."},
    "explain.title": {"en": "What is happening here?", "pt": "O que está acontecendo aqui?"},
    "error.expected": {"en": "Expected", "pt": "Esperado"},
    "error.fix": {"en": "How to fix", "pt": "Como resolver"},
    "common.deleted_by": {"en": "The teacher, {name}, deleted it.", "pt": "Quem apagou foi o professor, {name}."},
    "common.run_gone": {"en": "The run {run} you were using was deleted.",
                        "pt": "O treino {run} que você estava usando foi apagado."},
    "common.now_using": {"en": "Now using {run}: pick another in the sidebar.",
                         "pt": "Agora usando {run}: escolha outro na barra lateral."},
    "common.go_home": {"en": "Go to Home", "pt": "Ir para o Início"},
    "common.go_train": {"en": "Go to Train", "pt": "Ir para Treinar"},
    "common.no_dataset": {"en": "No dataset yet: get one on the Home page.",
                          "pt": "Ainda não há dados: obtenha um conjunto na página Início."},
    "common.no_model": {"en": "No trained model yet. Train one on the Train page.",
                        "pt": "Ainda não há modelo treinado. Treine um na página Treinar."},
    "common.terminal": {"en": "Or from a terminal: `python -m catdog train --data DIR`.",
                        "pt": "Ou no terminal: `python -m catdog train --data PASTA`."},
    # home
    "home.title": {"en": "catdog: teach a computer to tell cats from dogs",
                   "pt": "catdog: ensine um computador a distinguir gatos de cachorros"},
    "home.intro": {"en": "catdog takes a network already trained on millions of photos (**transfer learning**) and "
                         "teaches it a new question, *cat or dog?*, from a few thousand examples. Work through the "
                         "steps in the sidebar, in order:",
                   "pt": "O catdog pega uma rede já treinada com milhões de fotos (**transferência de aprendizado**) "
                         "e lhe ensina uma pergunta nova, *gato ou cachorro?*, com alguns milhares de exemplos. "
                         "Siga os passos da barra lateral, em ordem:"},
    "home.step1": {"en": "**1. Get data and look at it**: sizes, colours, and photos that cannot be read",
                   "pt": "**1. Obtenha dados e olhe para eles**: tamanhos, cores e fotos que não abrem"},
    "home.step2": {"en": "**2. Augment**: see how rotating, zooming and flipping makes more training photos",
                   "pt": "**2. Aumente**: veja como girar, ampliar e espelhar gera mais fotos de treino"},
    "home.step3": {"en": "**3. Train**: launch a job in the background and watch it learn",
                   "pt": "**3. Treine**: inicie um treino em segundo plano e veja-o aprender"},
    "home.step4": {"en": "**4. Inspect the curves**: training vs validation accuracy, and overfitting",
                   "pt": "**4. Examine as curvas**: acurácia de treino vs validação, e sobreajuste"},
    "home.step5": {"en": "**5. Predict**: upload your own photo and see the probabilities",
                   "pt": "**5. Preveja**: envie sua própria foto e veja as probabilidades"},
    "home.step6": {"en": "**6. Evaluate**: the mistakes, and where the model looked",
                   "pt": "**6. Avalie**: os erros, e para onde o modelo olhou"},
    "home.ready": {"en": {"one": "{count} dataset ready in {root}: {names}.",
                          "other": "{count} datasets ready in {root}: {names}."},
                   "pt": {"one": "{count} conjunto de dados pronto em {root}: {names}.",
                          "other": "{count} conjuntos de dados prontos em {root}: {names}."}},
    "home.none": {"en": "No dataset yet. Get one of these ways (datasets live under `{root}`).",
                  "pt": "Ainda não há dados. Obtenha de uma destas formas (os dados ficam em `{root}`)."},
    "home.get": {"en": "Get a dataset", "pt": "Obter um conjunto de dados"},
    "home.sample": {"en": "The sample photos", "pt": "As fotos de exemplo"},
    "home.sample_note": {"en": "3000 photos of cats and dogs from the TensorFlow tutorial (68 MB download).",
                         "pt": "3000 fotos de gatos e cachorros do tutorial do TensorFlow (download de 68 MB)."},
    "home.download": {"en": "Download the sample dataset", "pt": "Baixar o conjunto de exemplo"},
    "home.downloading": {"en": "Downloading {done} of {total} MB", "pt": "Baixando {done} de {total} MB"},
    "home.done": {"en": "Ready: {path}", "pt": "Pronto: {path}"},
    "home.own": {"en": "Your own photos", "pt": "Suas próprias fotos"},
    "home.own_note": {"en": "A zip holding train/ and validation/ with one folder per class, or just one folder "
                            "per class.",
                      "pt": "Um zip com train/ e validation/, com uma pasta por classe, ou só uma pasta por classe."},
    "home.zip": {"en": "Dataset zip", "pt": "Zip com as fotos"},
    "home.name": {"en": "Name for the dataset", "pt": "Nome do conjunto de dados"},
    "home.import": {"en": "Import the zip", "pt": "Importar o zip"},
    "home.extracting": {"en": "Checking and extracting...", "pt": "Verificando e extraindo..."},
    "home.imported": {"en": "Imported {count} photos of {classes}.", "pt": "Importadas {count} fotos de {classes}."},
    "home.skipped": {"en": {"one": "Skipped {count} file that is not an image: {names}",
                            "other": "Skipped {count} files that are not images: {names}"},
                     "pt": {"one": "Ignorado {count} arquivo que não é imagem: {names}",
                            "other": "Ignorados {count} arquivos que não são imagens: {names}"}},
    "home.copy": {"en": "Or copy a folder into `{root}` and reload the page.",
                  "pt": "Ou copie uma pasta para `{root}` e recarregue a página."},
    "home.explain": {"en": "A network trained on ImageNet already knows edges, fur, eyes and ears. We keep that "
                           "knowledge (the *backbone*) and train only a small new *head* that turns it into "
                           "'cat' or 'dog'. That is why a few thousand photos and a few minutes on a laptop are "
                           "enough, where learning from nothing needs far more.",
                     "pt": "Uma rede treinada no ImageNet já reconhece bordas, pelos, olhos e orelhas. Mantemos esse "
                           "conhecimento (a *base*) e treinamos só uma pequena *cabeça* nova que o transforma em "
                           "'gato' ou 'cachorro'. Por isso bastam alguns milhares de fotos e poucos minutos num "
                           "notebook, enquanto aprender do zero exigiria muito mais."},
    # dataset
    "data.title": {"en": "Look at the data", "pt": "Olhe para os dados"},
    "data.reading": {"en": "Reading {name} (once; cached afterwards)...",
                     "pt": "Lendo {name} (uma vez; depois fica em cache)..."},
    "data.empty": {"en": "{path} holds no image files in class folders.",
                   "pt": "{path} não tem imagens em pastas de classes."},
    "data.summary": {"en": "{path}: {count} readable photos in {classes} classes.",
                     "pt": "{path}: {count} fotos legíveis em {classes} classes."},
    "data.per_class": {"en": "Photos per class and split", "pt": "Fotos por classe e divisão"},
    "data.browse": {"en": "Browse", "pt": "Navegar"},
    "data.split": {"en": "Split", "pt": "Divisão"},
    "data.class": {"en": "Class", "pt": "Classe"},
    "data.page": {"en": "Page (of {pages})", "pt": "Página (de {pages})"},
    "data.large": {"en": "{path} - {width} x {height}, mode {mode}, {kb} kB",
                   "pt": "{path} - {width} x {height}, modo {mode}, {kb} kB"},
    "data.sizes": {"en": "Sizes and shapes", "pt": "Tamanhos e formatos"},
    "data.sizes_note": {"en": "Every photo is resized to the network's square input: very wide or tiny photos get "
                              "distorted.",
                        "pt": "Toda foto é redimensionada para a entrada quadrada da rede: fotos muito largas ou "
                              "minúsculas ficam distorcidas."},
    "data.scatter": {"en": "Width x height (pixels)", "pt": "Largura x altura (pixels)"},
    "data.aspect": {"en": "Aspect ratio (width / height)", "pt": "Proporção (largura / altura)"},
    "data.modes": {"en": "Colour modes: {modes}", "pt": "Modos de cor: {modes}"},
    "data.bad": {"en": "Files that cannot be read", "pt": "Arquivos que não abrem"},
    "data.bad_count": {"en": {"one": "{count} file will be skipped in training:",
                              "other": "{count} files will be skipped in training:"},
                       "pt": {"one": "{count} arquivo será ignorado no treino:",
                              "other": "{count} arquivos serão ignorados no treino:"}},
    "data.all_good": {"en": "Every file decodes.", "pt": "Todos os arquivos abrem."},
    "data.explain": {"en": "Before training, look: photo sizes, colours, blurry or tiny pictures, text on top, "
                           "several animals in one photo. The model will learn whatever separates the classes, "
                           "including details unrelated to the animal.",
                     "pt": "Antes de treinar, observe: tamanhos, cores, fotos borradas ou minúsculas, textos por "
                           "cima, vários animais numa foto. O modelo aprende tudo o que separa as classes, "
                           "inclusive detalhes que nada têm a ver com o animal."},
    # augmentation
    "setting.data_dir": {"en": "Dataset", "pt": "Conjunto de dados"},
    "setting.weights": {"en": "Starting weights", "pt": "Pesos iniciais"},
    "setting.weight_decay": {"en": "Weight decay", "pt": "Decaimento dos pesos"},
    "setting.cosine_decay": {"en": "Learning rate falls along a cosine", "pt": "Taxa de aprendizado cai em cosseno"},
    "setting.label_smoothing": {"en": "Label smoothing", "pt": "Suavização dos rótulos"},
    "setting.photos_per_class": {"en": "Photos per class (0: all)", "pt": "Fotos por classe (0: todas)"},
    "setting.validation_fraction": {"en": "Share kept for validation", "pt": "Parte separada para validação"},
    "setting.seed": {"en": "Random seed", "pt": "Semente aleatória"},
    "setting.strategy": {"en": "Devices", "pt": "Dispositivos"},
    "setting.preprocessing": {"en": "Pixel preparation", "pt": "Preparação dos pixels"},
    "setting.mixed_precision": {"en": "Mixed precision (GPU)", "pt": "Precisão mista (GPU)"},
    "aug.title": {"en": "Data augmentation", "pt": "Aumento de dados"},
    "aug.intro": {"en": "Each epoch, every training photo is changed at random, so the model sees *new* photos and "
                        "learns the animal rather than memorising the pixels. The same function makes these "
                        "previews and the training batches: what you see is what the model gets.",
                  "pt": "A cada época, cada foto de treino é alterada ao acaso: o modelo vê fotos *novas* e aprende "
                        "o animal em vez de decorar os pixels. A mesma função gera estas prévias e os lotes de "
                        "treino: o que você vê é o que o modelo recebe."},
    "aug.preset": {"en": "Start from a preset", "pt": "Começar de um modelo pronto"},
    "aug.rotation": {"en": "Rotation (degrees)", "pt": "Rotação (graus)"},
    "aug.rotation_why": {"en": "Pets are photographed at slight angles; large angles make unnatural photos.",
                         "pt": "Animais são fotografados levemente inclinados; ângulos grandes criam fotos irreais."},
    "aug.width_shift": {"en": "Horizontal shift", "pt": "Deslocamento horizontal"},
    "aug.width_shift_why": {"en": "The animal is not always centred.", "pt": "O animal nem sempre está centralizado."},
    "aug.height_shift": {"en": "Vertical shift", "pt": "Deslocamento vertical"},
    "aug.height_shift_why": {"en": "Same, up and down.", "pt": "O mesmo, para cima e para baixo."},
    "aug.shear": {"en": "Shear", "pt": "Cisalhamento"},
    "aug.shear_why": {"en": "Slants the photo, like a different camera angle.",
                      "pt": "Inclina a foto, como outro ângulo de câmera."},
    "aug.zoom": {"en": "Zoom", "pt": "Zoom"},
    "aug.zoom_why": {"en": "Near and far animals; too much crops the animal out.",
                     "pt": "Animais perto e longe; demais corta o animal da foto."},
    "aug.brightness": {"en": "Brightness", "pt": "Brilho"},
    "aug.brightness_why": {"en": "Indoor, outdoor, flash and shade.", "pt": "Dentro, fora, flash e sombra."},
    "aug.contrast": {"en": "Contrast", "pt": "Contraste"},
    "aug.contrast_why": {"en": "Washed-out or punchy photos.", "pt": "Fotos desbotadas ou muito vivas."},
    "aug.saturation": {"en": "Saturation", "pt": "Saturação"},
    "aug.saturation_why": {"en": "Colour strength varies between cameras.",
                           "pt": "A intensidade das cores varia entre câmeras."},
    "aug.hue": {"en": "Hue", "pt": "Matiz"},
    "aug.hue_why": {"en": "Shifts all colours; too much makes green cats.",
                    "pt": "Desloca todas as cores; demais cria gatos verdes."},
    "aug.erasing": {"en": "Random erasing (probability)", "pt": "Apagamento aleatório (probabilidade)"},
    "aug.erasing_why": {"en": "Hides a patch, so the model cannot rely on one detail.",
                        "pt": "Esconde um pedaço, para o modelo não depender de um só detalhe."},
    "aug.grayscale": {"en": "Grayscale (probability)", "pt": "Tons de cinza (probabilidade)"},
    "aug.grayscale_why": {"en": "Makes the model use shape, not only colour.",
                          "pt": "Faz o modelo usar a forma, não só a cor."},
    "aug.hflip": {"en": "Horizontal flip", "pt": "Espelhar na horizontal"},
    "aug.hflip_why": {"en": "A cat facing left is still a cat.",
                      "pt": "Um gato virado para a esquerda ainda é um gato."},
    "aug.vflip": {"en": "Vertical flip", "pt": "Espelhar na vertical"},
    "aug.vflip_why": {"en": "Usually wrong for pets: upside-down cats are rare in photos.",
                      "pt": "Em geral errado para animais: gatos de cabeça para baixo são raros nas fotos."},
    "aug.fill": {"en": "Fill mode", "pt": "Preenchimento"},
    "aug.fill_why": {"en": "How the corners uncovered by rotating or shifting are filled.",
                     "pt": "Como preencher os cantos descobertos ao girar ou deslocar."},
    "aug.source": {"en": "Photo", "pt": "Foto"},
    "aug.from_dataset": {"en": "from the dataset", "pt": "do conjunto de dados"},
    "aug.upload": {"en": "upload one", "pt": "enviar uma"},
    "aug.number": {"en": "Photo number (of {count})", "pt": "Número da foto (de {count})"},
    "aug.choose": {"en": "Choose a dataset on the Home page, or upload a photo.",
                   "pt": "Escolha um conjunto de dados no Início, ou envie uma foto."},
    "aug.seed": {"en": "Seed (same seed, same draw)", "pt": "Semente (mesma semente, mesmo sorteio)"},
    "aug.new_draw": {"en": "New random draw", "pt": "Novo sorteio"},
    "aug.original": {"en": "original", "pt": "original"},
    "aug.draw": {"en": "draw {n}", "pt": "sorteio {n}"},
    "aug.drawing": {"en": "Drawing 12 random versions of the photo (the first time after the server starts, "
                          "TensorFlow starts first: a few seconds)...",
                    "pt": "Sorteando 12 versões aleatórias da foto (na primeira vez depois que o servidor inicia, "
                          "o TensorFlow inicia antes: alguns segundos)..."},
    "aug.use": {"en": "Use these settings for training", "pt": "Usar estes ajustes no treino"},
    "aug.saved": {"en": "Saved: the Train page now offers 'from the Augmentation page'.",
                  "pt": "Salvo: a página Treinar agora oferece 'da página Aumento de dados'."},
    "aug.batch": {"en": "Show one whole training batch as the model sees it",
                  "pt": "Mostrar um lote de treino inteiro como o modelo o vê"},
    "aug.explain": {"en": "With few photos, a model can memorise them: perfect on training photos, worse on new "
                          "ones (overfitting). Random changes that keep the animal recognisable give it more "
                          "variety for free. Compare two runs with augmentation off and on in Training curves.",
                    "pt": "Com poucas fotos, o modelo pode decorá-las: perfeito nas fotos de treino, pior nas "
                          "novas (sobreajuste). Mudanças aleatórias que mantêm o animal reconhecível dão mais "
                          "variedade de graça. Compare dois treinos, sem e com aumento, em Curvas de treino."},
    # train
    "train.title": {"en": "Train a model", "pt": "Treinar um modelo"},
    "train.backbone": {"en": "Backbone (the pretrained network)", "pt": "Base (a rede pré-treinada)"},
    "train.epochs": {"en": "Epochs", "pt": "Épocas"},
    "train.epochs_help": {"en": "Passes over the training photos.", "pt": "Passagens pelas fotos de treino."},
    "train.batch": {"en": "Batch size", "pt": "Tamanho do lote"},
    "train.lr": {"en": "Learning rate", "pt": "Taxa de aprendizado"},
    "train.size": {"en": "Image size (pixels)", "pt": "Tamanho da imagem (pixels)"},
    "train.pooling": {"en": "Pooling", "pt": "Agregação (pooling)"},
    "train.pooling_help": {"en": "average: one number per feature map (GlobalAveragePooling2D, fewer weights); "
                                 "flatten: every position of every map, as in the seed recipe.",
                           "pt": "média: um número por mapa de características (GlobalAveragePooling2D, menos "
                                 "pesos); achatar: cada posição de cada mapa, como na receita original."},
    "train.dense": {"en": "Hidden Dense units", "pt": "Neurônios da camada Dense oculta"},
    "train.dropout": {"en": "Dropout", "pt": "Dropout"},
    "train.augmentation": {"en": "Augmentation", "pt": "Aumento de dados"},
    "train.from_playground": {"en": "from the Augmentation page", "pt": "da página Aumento de dados"},
    "train.views": {"en": "Augmented views to cache (0: stream)", "pt": "Versões aumentadas em cache (0: fluxo)"},
    "train.views_help": {"en": "With augmentation: compute the backbone's features of this many augmented versions "
                               "of each photo once, and train the head on them (much faster than streaming).",
                         "pt": "Com aumento de dados: calcula uma vez as características da base para esse número "
                               "de versões aumentadas de cada foto e treina a cabeça com elas (muito mais rápido "
                               "que o fluxo)."},
    "train.patience": {"en": "Early stopping patience (0: off)", "pt": "Paciência da parada antecipada (0: desligada)"},
    "train.mirror_views": {"en": "Learn from each photo's mirror too",
                           "pt": "Aprender também com o espelho de cada foto"},
    "train.mirror_views_help": {"en": "A cat facing left is as much a cat facing right: the mirrored photo's "
                                      "features are computed once with the photo's, and the head learns from both.",
                                "pt": "Um gato virado para a esquerda é tão gato quanto virado para a direita: as "
                                      "características da foto espelhada são calculadas uma vez com as da foto, e a "
                                      "cabeça aprende com as duas."},
    "train.test_time_mirror": {"en": "Predict with the photo and its mirror", "pt": "Prever com a foto e seu espelho"},
    "train.test_time_mirror_help": {"en": "Each prediction averages the probabilities of the photo and of its "
                                          "mirror: a little steadier, for a second forward pass.",
                                    "pt": "Cada previsão faz a média das probabilidades da foto e do seu espelho: "
                                          "um pouco mais estável, ao custo de uma segunda passagem pela rede."},
    "train.fine_tuning": {"en": "**Fine-tuning** (phase 2: unfreeze the top of the backbone, at a lower learning "
                                "rate)",
                          "pt": "**Ajuste fino** (fase 2: descongelar o topo da base, com taxa de aprendizado "
                                "menor)"},
    "train.ft_epochs": {"en": "Fine-tune epochs", "pt": "Épocas de ajuste fino"},
    "train.ft_epochs_help": {"en": "Suggested: {epochs}. On held-out training photos, two epochs at 1e-4 took the "
                                   "tiny MobileNet from 94.0% to 95.7% right; each epoch streams every photo "
                                   "through the network (about 20 s per 2000 photos on a 2-core CPU).",
                             "pt": "Sugerido: {epochs}. Em fotos de treino separadas, duas épocas a 1e-4 levaram a "
                                   "MobileNet mínima de 94,0% para 95,7% de acertos; cada época passa todas as fotos "
                                   "pela rede (cerca de 20 s para 2000 fotos numa CPU de 2 núcleos)."},
    "train.ft_at": {"en": "Layers to unfreeze", "pt": "Camadas a descongelar"},
    "train.ft_lr": {"en": "Fine-tune learning rate", "pt": "Taxa de aprendizado do ajuste fino"},
    "train.start": {"en": "Start training", "pt": "Começar o treino"},
    "train.queued": {"en": "{run} is in the queue: it starts as soon as the trainer is free.",
                     "pt": "{run} está na fila: começa assim que o treinador estiver livre."},
    "train.no_runs": {"en": "No training runs yet.", "pt": "Ainda não há treinos."},
    "train.queue": {"en": "Queued (one job at a time per server): {runs}",
                    "pt": "Na fila (um treino por vez neste servidor): {runs}"},
    "train.cancel": {"en": "Cancel this run", "pt": "Cancelar este treino"},
    "train.cancelling": {"en": "Cancelling {run}...", "pt": "Cancelando {run}..."},
    "train.job": {"en": "Training job", "pt": "Acompanhamento do treino"},
    "train.scratch": {"en": "Trained from scratch: every photo goes through the whole network in every epoch (slow).",
                      "pt": "Treinada do zero: toda foto passa pela rede inteira em toda época (lento)."},
    "train.explain": {"en": "Phase 1 freezes the backbone and trains only the head. Phase 2 (fine-tuning) "
                            "unfreezes the backbone's top layers and nudges them with a much smaller learning "
                            "rate: big steps would destroy what it learned on ImageNet.",
                      "pt": "A fase 1 congela a base e treina só a cabeça. A fase 2 (ajuste fino) descongela as "
                            "camadas do topo da base e as ajusta com uma taxa de aprendizado bem menor: passos "
                            "grandes destruiriam o que ela aprendeu no ImageNet."},
    "path.scratch": {"en": "Trained from scratch: every photo goes through the whole network in every epoch.",
                     "pt": "Treinada do zero: toda foto passa pela rede inteira em toda época."},
    "path.streaming": {"en": "Augmentation is on, so each epoch sees different versions of each photo: they "
                             "stream through the frozen backbone every epoch (slower than without augmentation).",
                       "pt": "O aumento de dados está ligado: cada época vê versões diferentes de cada foto, que "
                             "passam pela base congelada em toda época (mais lento que sem aumento)."},
    "path.cached": {"en": "Fast path: the frozen backbone computes each photo's features once (kept on disk, so a "
                          "relaunch with other head settings skips this step), then the head trains on them in "
                          "seconds.",
                    "pt": "Caminho rápido: a base congelada calcula as características de cada foto uma vez "
                          "(guardadas em disco: um novo treino com outra cabeça pula esta etapa), e a cabeça "
                          "treina sobre elas em segundos."},
    "path.views": {"en": "Augmentation with {views} cached views: the frozen backbone sees {views} augmented versions "
                         "of each photo once; each epoch the head trains on one of them.",
                   "pt": "Aumento de dados com {views} versões em cache: a base congelada vê {views} versões "
                         "aumentadas de cada foto uma vez; a cada época a cabeça treina com uma delas."},
    "path.multiworker": {"en": "Several machines: each streams its share of the photos through the network, and "
                               "their gradients are summed after every step.",
                         "pt": "Várias máquinas: cada uma passa sua parte das fotos pela rede, e os gradientes são "
                               "somados a cada passo."},
    "path.fine_tune": {"en": "Then fine-tuning: the top {layers} layers of the backbone learn too, on the photos "
                             "themselves, at a learning rate of {rate}.",
                       "pt": "Depois o ajuste fino: as {layers} camadas do topo da base também aprendem, com as "
                             "próprias fotos, a uma taxa de aprendizado de {rate}."},
    "train.plan": {"en": "How this run will train", "pt": "Como este treino vai acontecer"},
    "phase.starting": {"en": "Starting", "pt": "Iniciando"},
    "phase.extracting": {"en": "Computing features", "pt": "Calculando características"},
    "phase.training_head": {"en": "Training the head", "pt": "Treinando a cabeça"},
    "phase.training": {"en": "Training", "pt": "Treinando"},
    "phase.fine_tuning": {"en": "Fine-tuning", "pt": "Ajuste fino"},
    "phase.evaluating": {"en": "Evaluating", "pt": "Avaliando"},
    "split.train": {"en": "training photos", "pt": "fotos de treino"},
    "split.validation": {"en": "validation photos", "pt": "fotos de validação"},
    "split.test": {"en": "test photos", "pt": "fotos de teste"},
    "split.all": {"en": "all photos", "pt": "todas as fotos"},
    "fig.split": {"en": "split", "pt": "divisão"},
    "fig.photos": {"en": "photos", "pt": "fotos"},
    "fig.class": {"en": "class", "pt": "classe"},
    "fig.width": {"en": "width (pixels)", "pt": "largura (pixels)"},
    "fig.height": {"en": "height (pixels)", "pt": "altura (pixels)"},
    "fig.aspect": {"en": "width / height", "pt": "largura / altura"},
    "fig.count": {"en": "count", "pt": "quantidade"},
    "fig.probability": {"en": "probability", "pt": "probabilidade"},
    "home.default_name": {"en": "my_photos", "pt": "minhas_fotos"},
    "job.view": {"en": "{split}, augmented version {view} of {views}",
                 "pt": "{split}, versão aumentada {view} de {views}"},
    "col.file": {"en": "File", "pt": "Arquivo"},
    "col.reason": {"en": "Why it cannot be read", "pt": "Por que não abre"},
    "col.owner": {"en": "Student", "pt": "Estudante"},
    "who.welcome": {"en": "Welcome! What is your name?", "pt": "Boas-vindas! Como você se chama?"},
    "who.name": {"en": "Your name, as the class will see it beside your runs",
                 "pt": "Seu nome, como a turma vai vê-lo ao lado dos seus treinos"},
    "who.go": {"en": "Start", "pt": "Começar"},
    "who.name_needed": {"en": "Type a name first.", "pt": "Digite um nome primeiro."},
    "who.you": {"en": "You are {name}.", "pt": "Você é {name}."},
    "who.teacher": {"en": "(teacher)", "pt": "(professor)"},
    "who.teacher_unlock": {"en": "Teacher", "pt": "Professor"},
    "who.log_in": {"en": "Log in", "pt": "Entrar"},
    "who.my_data": {"en": "My data", "pt": "Meus dados"},
    "who.my_data_what": {"en": "This server keeps your name, your runs (settings, curves, model), the datasets you "
                               "imported or published and your collections' photos, until you or the teacher "
                               "delete them.",
                         "pt": "Este servidor guarda seu nome, seus treinos (configurações, curvas, modelo), os "
                               "conjuntos de dados que você importou ou publicou e as fotos das suas coleções, até "
                               "você ou o professor apagarem."},
    "who.sure": {"en": "Yes, delete: this cannot be undone", "pt": "Sim, apagar: não dá para desfazer"},
    "who.forget_me": {"en": "Delete all my data", "pt": "Apagar todos os meus dados"},
    "who.wipe_class": {"en": "Delete every student's data (end of term)",
                       "pt": "Apagar os dados de todos os alunos (fim do período)"},
    "who.forgotten": {"en": "Deleted. Runs: {runs}; datasets: {datasets}; collections: {collections}.",
                      "pt": "Apagado. Treinos: {runs}; conjuntos de dados: {datasets}; coleções: {collections}."},
    "who.still_stopping": {"en": "Still stopping, deleted when you press again in a moment: {runs}.",
                           "pt": "Ainda parando; serão apagados se você clicar de novo daqui a pouco: {runs}."},
    "who.unlock": {"en": "Unlock", "pt": "Desbloquear"},
    "who.teacher_code": {"en": "Teacher code", "pt": "Código do professor"},
    "who.wrong_code": {"en": "That is not the teacher code.", "pt": "Esse não é o código do professor."},
    "train.estimate": {"en": "Estimated time on this server: about {time} (early stopping may end it sooner).",
                       "pt": "Tempo estimado neste servidor: cerca de {time} (a parada antecipada pode encerrar "
                             "antes)."},
    "train.estimate_measured": {"en": "Measured on the jobs this server has run.",
                                "pt": "Medido nos treinos que este servidor já fez."},
    "train.estimate_over_cap": {"en": "That is more than this server's {minutes:g} minutes for a job: it would be "
                                      "cut short, keeping its best epoch. Fewer epochs, or the faster way below, "
                                      "fit in the time.",
                                "pt": "Isso passa dos {minutes:g} minutos que este servidor dá a cada treino: ele "
                                      "seria interrompido e ficaria com os pesos da sua melhor época. Menos épocas, "
                                      "ou o jeito mais rápido abaixo, cabem no tempo."},
    "train.faster": {"en": "Faster, to much the same end: {views} augmented versions of each photo through the frozen "
                           "backbone once (Augmented views to cache = {views}) instead of streaming them every "
                           "epoch: about {time}.",
                     "pt": "Mais rápido, com resultado parecido: {views} versões aumentadas de cada foto passam uma "
                           "vez pela base congelada (Versões aumentadas em cache = {views}) em vez do fluxo a cada "
                           "época: cerca de {time}."},
    "train.job_minutes": {"en": "Minutes per job on the trainer (the class's rule)",
                          "pt": "Minutos por treino no treinador (regra da turma)"},
    "train.job_minutes_saved": {"en": "Saved: {minutes:g} minutes per job, from each job's next turn.",
                                "pt": "Salvo: {minutes:g} minutos por treino, a partir da próxima vez de cada treino."},
    "train.job_minutes_help": {"en": "A job that reaches it ends with its best epoch's weights, marked cut short. "
                                     "For every job from its next turn on.",
                               "pt": "Um treino que chega a esse tempo termina com os pesos da sua melhor época, "
                                     "marcado como interrompido. Vale para todo treino a partir da sua próxima "
                                     "vez no treinador."},
    "train.use_faster": {"en": "Use {views} cached views", "pt": "Usar {views} versões em cache"},
    "train.others": {"en": {"one": "{count} run of other students in the queue.",
                            "other": "{count} runs of other students in the queue."},
                     "pt": {"one": "{count} treino de outros estudantes na fila.",
                            "other": "{count} treinos de outros estudantes na fila."}},
    "train.your_place": {"en": "Your run {run} is number {place} in the queue.",
                         "pt": "Seu treino {run} é o número {place} na fila."},
    "backbone.mobilenet_v2": {"en": "MobileNetV2", "pt": "MobileNetV2"},
    "backbone.mobilenet_v1_025": {"en": "MobileNet 0.25 (tiny)", "pt": "MobileNet 0.25 (mínima)"},
    "backbone.resnet50": {"en": "ResNet50", "pt": "ResNet50"},
    "backbone.vgg16": {"en": "VGG16", "pt": "VGG16"},
    "backbone.simple_cnn": {"en": "Small CNN from scratch", "pt": "CNN pequena, treinada do zero"},
    "pooling.avg": {"en": "average", "pt": "média"},
    "pooling.flatten": {"en": "flatten", "pt": "achatar (flatten)"},
    "fill.reflect": {"en": "reflect", "pt": "refletir"},
    "fill.constant": {"en": "constant (black)", "pt": "constante (preto)"},
    "fill.nearest": {"en": "nearest pixel", "pt": "pixel mais próximo"},
    "fill.wrap": {"en": "wrap around", "pt": "dar a volta"},
    "preset.none": {"en": "none", "pt": "nenhum"},
    "preset.light": {"en": "light", "pt": "leve"},
    "preset.seed recipe": {"en": "seed recipe (the course's)", "pt": "receita do curso"},
    "preset.strong": {"en": "strong", "pt": "forte"},
    "common.loading_model": {"en": "Loading the model, once (the first time after the server starts, TensorFlow "
                                   "starts too: a few seconds)...",
                             "pt": "Carregando o modelo, uma vez só (na primeira vez depois que o servidor inicia, "
                                   "o TensorFlow também inicia: alguns segundos)..."},
    "path.reused": {"en": "{count} photos' features came from the disk cache.",
                    "pt": "As características de {count} fotos vieram do cache em disco."},
    "job.state": {"en": "**{run}**: {state} ({backbone}, {epochs})",
                  "pt": "**{run}**: {state} ({backbone}, {epochs})"},
    "count.epoch": {"en": "{count} epoch", "pt": "{count} época"},
    "count.epochs": {"en": "{count} epochs", "pt": "{count} épocas"},
    "job.extracting": {"en": "Computing the frozen backbone's features once per photo ({split}: {done}/{total})",
                       "pt": "Calculando as características da base congelada, uma vez por foto "
                             "({split}: {done}/{total})"},
    "job.progress": {"en": "{phase}: epoch {epoch}/{epochs}, batch {batch}/{batches}",
                     "pt": "{phase}: época {epoch}/{epochs}, lote {batch}/{batches}"},
    "job.elapsed": {"en": "Elapsed", "pt": "Decorrido"},
    "job.eta": {"en": "Time left (estimate)", "pt": "Tempo restante (estimativa)"},
    "job.loss": {"en": "Loss", "pt": "Perda"},
    "job.accuracy": {"en": "Accuracy", "pt": "Acurácia"},
    "job.paused": {"en": "Paused after its turn on the trainer, at epoch {epoch} of {epochs}: another student's job "
                          "trains now, and this one goes on from where it stopped when its turn comes again.",
                    "pt": "Em pausa depois da sua vez no treinador, na época {epoch} de {epochs}: o treino de outro "
                          "estudante roda agora, e este continua de onde parou quando chegar a sua vez de novo."},
    "job.waiting": {"en": "Waiting for the running job to finish (one job at a time on this server).",
                    "pt": "Esperando o treino atual terminar (um treino por vez neste servidor)."},
    "job.starting_trainer": {"en": "Starting: the trainer is loading TensorFlow (a few seconds).",
                             "pt": "Iniciando: o treinador está carregando o TensorFlow (alguns segundos)."},
    "weights.ready": {"en": "weights ready", "pt": "pesos prontos"},
    "weights.download": {"en": "downloads {mb} MB first", "pt": "baixa {mb} MB antes"},
    "weights.offline": {"en": "weights not available here (offline)", "pt": "pesos indisponíveis aqui (sem internet)"},
    "weights.none": {"en": "no weights needed", "pt": "não precisa de pesos"},
    "weights.missing": {"en": "The ImageNet weights of {backbone} are not on this server, and it cannot download "
                              "them (no internet connection). {instead} trains here.",
                        "pt": "Os pesos ImageNet da rede {backbone} não estão neste servidor, e ele não consegue "
                              "baixá-los (sem conexão com a internet). A rede {instead} treina aqui."},
    "weights.missing_size": {"en": "The ImageNet weights of {backbone} for {size} px photos are not on this server, "
                                   "and it cannot download them (no internet connection). At {ready} px it "
                                   "trains here.",
                             "pt": "Os pesos ImageNet da rede {backbone} para fotos de {size} px não estão neste "
                                   "servidor, e ele não consegue baixá-los (sem conexão com a internet). Com "
                                   "{ready} px ela treina aqui."},
    "weights.use_size": {"en": "Use {size} px", "pt": "Usar {size} px"},
    "weights.use_instead": {"en": "Use {instead} instead", "pt": "Usar {instead} no lugar"},
    "job.val_accuracy": {"en": "Validation accuracy", "pt": "Acurácia na validação"},
    "job.val_loss": {"en": "Validation loss", "pt": "Perda na validação"},
    "job.time": {"en": "Training time", "pt": "Tempo de treino"},
    "job.cut_short": {"en": "Cut short at this server's {minutes:g} minutes for a job: it ended after epoch "
                            "{epochs}, with the weights of its best epoch. Fewer epochs, or cached augmented "
                            "views instead of streaming, fit in the time.",
                      "pt": "Interrompido nos {minutes:g} minutos que este servidor dá a cada treino: terminou "
                            "depois da época {epochs}, com os pesos da sua melhor época. Menos épocas, ou visões "
                            "aumentadas em cache em vez de streaming, cabem no tempo."},
    "job.skipped": {"en": {"one": "{count} unreadable photo was skipped.",
                           "other": "{count} unreadable photos were skipped."},
                    "pt": {"one": "{count} foto ilegível ignorada.", "other": "{count} fotos ilegíveis ignoradas."}},
    "job.see_curves": {"en": "See its training curves", "pt": "Ver as curvas de treino"},
    "job.predict_with": {"en": "Predict with it", "pt": "Prever com ele"},
    "job.traceback": {"en": "Traceback (for a bug report)", "pt": "Traceback (para relatar o erro)"},
    # curves
    "home.offline": {"en": "The sample cannot be downloaded: this server has no internet connection. Use your own "
                           "photos instead: upload a zip under **Your own photos**, beside this.",
                     "pt": "Não dá para baixar o exemplo: este servidor está sem conexão com a internet. Use suas "
                           "próprias fotos: envie um zip em **Suas próprias fotos**, ao lado."},
    "home.sample_teacher": {"en": "On this shared server the teacher downloads the sample for the whole class.",
                            "pt": "Neste servidor compartilhado, o professor baixa o exemplo para a turma toda."},
    "home.misnamed": {"en": "These folders of the data root have names no dataset may have, so no list shows them "
                            "and no quota counts them: {names}. Delete them, or rename them on the server.",
                      "pt": "Estas pastas da raiz de dados têm nomes que nenhum conjunto de dados pode ter, então "
                            "nenhuma lista as mostra e nenhuma cota as conta: {names}. Apague-as, ou renomeie-as no "
                            "servidor."},
    "home.delete_misnamed": {"en": "Delete the folder {name}", "pt": "Apagar a pasta {name}"},
    "home.manage": {"en": "Delete a dataset", "pt": "Apagar um conjunto de dados"},
    "home.delete": {"en": "Delete {name}", "pt": "Apagar {name}"},
    "home.delete_warning": {"en": "This deletes the dataset {name} and its photos from the server, for good. Runs "
                                  "trained on it keep their models.",
                            "pt": "Isto apaga o conjunto {name} e suas fotos do servidor, para sempre. Os treinos "
                                  "feitos com ele mantêm seus modelos."},
    "board.title": {"en": "Class leaderboard", "pt": "Ranking da turma"},
    "board.explain": {
        "en": "Every finished run is scored on **test photos nobody trained on** and nobody can browse: the "
              "teacher chose them. Validation photos guided your choices, so your validation accuracy flatters "
              "you a little; the test photos say how well your model **generalises** to photos it has never "
              "seen. Who generalises best? Compare the settings of the top runs below.",
        "pt": "Cada treino concluído é avaliado em **fotos de teste com que ninguém treinou** e que ninguém pode "
              "ver: o professor as escolheu. As fotos de validação guiaram suas escolhas, então sua acurácia de "
              "validação é um pouco otimista; as fotos de teste dizem quão bem seu modelo **generaliza** para "
              "fotos que nunca viu. Quem generaliza melhor? Compare os ajustes dos melhores treinos abaixo."},
    "board.choose": {"en": "Test set (teacher)", "pt": "Conjunto de teste (professor)"},
    "board.test_set": {"en": "Dataset whose photos score every run (students cannot browse it)",
                       "pt": "Conjunto cujas fotos avaliam cada treino (os alunos não podem vê-lo)"},
    "board.no_test": {"en": "(no leaderboard)", "pt": "(sem ranking)"},
    "board.use": {"en": "Use this test set", "pt": "Usar este conjunto de teste"},
    "board.none": {"en": "No test set chosen yet: the teacher picks one here, then every finished run is "
                         "scored on it.",
                   "pt": "Nenhum conjunto de teste escolhido ainda: o professor escolhe um aqui, e cada treino "
                         "concluído é avaliado nele."},
    "board.ties": {"en": "Equal test accuracies share a rank; among them, the faster training is listed first.",
                   "pt": "Acurácias de teste iguais dividem a posição; entre elas, o treino mais rápido vem primeiro."},
    "board.scoring": {"en": {"one": "Scoring {count} run on the test photos; the table updates by itself.",
                             "other": "Scoring {count} runs on the test photos; the table updates by itself."},
                      "pt": {"one": "Avaliando {count} treino nas fotos de teste; a tabela se atualiza sozinha.",
                             "other": "Avaliando {count} treinos nas fotos de teste; a tabela se atualiza sozinha."}},
    "board.empty": {"en": "No run has been scored yet: finished runs appear here within seconds.",
                    "pt": "Nenhum treino avaliado ainda: os treinos concluídos aparecem aqui em segundos."},
    "board.on": {"en": "Scored on {name}: {photos} photos.", "pt": "Avaliado em {name}: {photos} fotos."},
    "board.pick": {"en": "Click a row to open its curves.", "pt": "Clique em uma linha para abrir suas curvas."},
    "board.open": {"en": "Open the curves of {run}", "pt": "Abrir as curvas de {run}"},
    "board.differ": {"en": "Settings that differ between the top runs",
                     "pt": "Ajustes que diferem entre os melhores treinos"},
    "curves.title": {"en": "Training curves", "pt": "Curvas de treino"},
    "curves.pick": {"en": "Pick one or more runs", "pt": "Escolha um ou mais treinos"},
    "curves.delete_damaged": {"en": "Delete the damaged run {run}", "pt": "Apagar o treino danificado {run}"},
    "curves.none": {"en": "No runs yet: train one on the Train page.",
                    "pt": "Ainda não há treinos: treine na página Treinar."},
    "curves.compare": {"en": "Runs to compare", "pt": "Treinos a comparar"},
    "curves.legend": {"en": "Solid: training photos; dashed: validation photos (never trained on). A widening gap "
                            "between them is overfitting. A dotted line marks the start of fine-tuning.",
                      "pt": "Linha cheia: fotos de treino; tracejada: fotos de validação (nunca usadas no treino). "
                            "Uma distância crescente entre elas é sobreajuste. A linha pontilhada marca o início "
                            "do ajuste fino."},
    "curves.differ": {"en": "Settings that differ", "pt": "Ajustes que diferem"},
    "curves.run": {"en": "Run {run}", "pt": "Treino {run}"},
    "curves.twin": {"en": "Same settings, augmentation {state}", "pt": "Mesmos ajustes, aumento de dados {state}"},
    "curves.twin_help": {"en": "The classroom experiment: does augmentation reduce overfitting?",
                         "pt": "O experimento da aula: o aumento de dados reduz o sobreajuste?"},
    "curves.launched": {"en": "Launched {runs}: their curves appear below as they train (also on the Train page).",
                        "pt": "Iniciados: {runs}. As curvas aparecem abaixo enquanto treinam (e na página Treinar)."},
    "curves.same_settings": {"en": "These runs have the same settings.", "pt": "Estes treinos têm os mesmos ajustes."},
    "curves.twin_exists": {"en": "{run} already has these settings: opened beside it instead of training it again.",
                           "pt": "{run} já tem esses ajustes: aberto ao lado em vez de treinar de novo."},
    "train.starts_now": {"en": "{run} starts now.", "pt": "{run} começa agora."},
    "curves.overfit": {"en": "Overfitting experiment", "pt": "Experimento de sobreajuste"},
    "curves.overfit_help": {"en": "Two runs on the active dataset: one made to overfit (50 photos per class, a Flatten "
                                  "+ Dense 512 head with no dropout, 20 epochs) and its twin with augmentation. "
                                  "Compare how far apart their training and validation curves end up.",
                            "pt": "Dois treinos com o conjunto ativo: um feito para sobreajustar (50 fotos por classe, "
                                  "cabeça Flatten + Dense 512 sem dropout, 20 épocas) e seu gêmeo com aumento de "
                                  "dados. Compare a distância entre as curvas de treino e de validação de cada um."},
    "gap.negative": {"en": "{runs}: validation accuracy is above training accuracy. That is normal here: dropout and "
                           "augmentation (when they are on) act only while training, so the training photos are a "
                           "harder test than the validation photos; and the training figure is an average over an "
                           "epoch in which the model was still learning, while validation is measured at its end.",
                     "pt": "{runs}: a acurácia de validação está acima da de treino. Aqui isso é normal: o dropout e o "
                           "aumento de dados (quando ligados) só agem durante o treino, então as fotos de treino "
                           "viram uma prova mais difícil que as de validação; e o número de treino é a média de uma "
                           "época em que o modelo ainda estava aprendendo, enquanto a validação é medida no fim dela."},
    "gap.overfitting": {"en": "{runs}: training accuracy is well above validation accuracy: the model memorises "
                              "its training photos instead of learning what tells the classes apart (overfitting). "
                              "More photos, augmentation, dropout or fewer weights in the head help.",
                        "pt": "{runs}: a acurácia de treino está bem acima da de validação: o modelo está decorando "
                              "as fotos de treino em vez de aprender o que diferencia as classes (sobreajuste). "
                              "Mais fotos, aumento de dados, dropout ou menos pesos na cabeça ajudam."},
    "gap.small": {"en": "{runs}: training and validation accuracy stay close: the model does about as well on photos "
                        "it never trained on as on its training photos.",
                  "pt": "{runs}: as acurácias de treino e de validação ficam próximas: o modelo vai quase tão bem em "
                        "fotos que nunca viu quanto nas fotos de treino."},
    "curves.config": {"en": "Full config", "pt": "Configuração completa"},
    "curves.tensorboard": {"en": "TensorBoard (histograms, graph):", "pt": "TensorBoard (histogramas, grafo):"},
    "curves.to_export": {"en": "Export this model: Keras file, model card, TensorFlow Lite",
                         "pt": "Exportar este modelo: arquivo Keras, ficha do modelo, TensorFlow Lite"},
    "curves.delete": {"en": "Delete this run", "pt": "Apagar este treino"},
    "curves.delete_warning": {"en": "This deletes {path} and its model for good.",
                              "pt": "Isto apaga {path} e seu modelo para sempre."},
    "curves.delete_yes": {"en": "Yes, delete it", "pt": "Sim, apagar"},
    "curves.explain": {"en": "Loss should fall and accuracy rise on both lines. If training accuracy keeps rising "
                             "while validation stalls or falls, the model is memorising its training photos "
                             "(overfitting): try augmentation, more dropout, or fewer epochs.",
                       "pt": "A perda deve cair e a acurácia subir nas duas linhas. Se a acurácia de treino continua "
                             "subindo enquanto a de validação para ou cai, o modelo está decorando as fotos de "
                             "treino (sobreajuste): tente aumento de dados, mais dropout ou menos épocas."},
    "col.run": {"en": "run", "pt": "treino"},
    "col.rank": {"en": "#", "pt": "#"},
    "col.test_acc": {"en": "test accuracy", "pt": "acurácia no teste"},
    "col.setting": {"en": "setting", "pt": "ajuste"},
    "col.change": {"en": "change", "pt": "mudança"},
    "col.status": {"en": "status", "pt": "estado"},
    "col.backbone": {"en": "backbone", "pt": "base"},
    "col.epochs": {"en": "epochs", "pt": "épocas"},
    "col.ft_epochs": {"en": "fine-tune epochs", "pt": "épocas de ajuste fino"},
    "col.batch": {"en": "batch", "pt": "lote"},
    "col.lr": {"en": "learning rate", "pt": "taxa de aprendizado"},
    "col.augmentation": {"en": "augmentation", "pt": "aumento"},
    "col.best": {"en": "val accuracy, best epoch (during training)",
                 "pt": "acurácia val., melhor época (durante o treino)"},
    "col.best_help": {"en": "The best epoch's validation accuracy during training, on each photo as it is: "
                            "the curves' highest point.",
                      "pt": "A acurácia de validação da melhor época durante o treino, com cada foto como ela é: "
                            "o ponto mais alto das curvas."},
    "col.final": {"en": "val accuracy, saved model (measured after)",
                  "pt": "acurácia val., modelo salvo (medida depois)"},
    "col.final_help": {"en": "The saved model's validation accuracy, measured once after training: the "
                             "figure Predict shows. Early stopping keeps the epoch with the lowest validation "
                             "loss, not always the one with the best accuracy, and with \"Predict with the photo "
                             "and its mirror\" each photo is averaged with its mirror: so the two can differ.",
                       "pt": "A acurácia de validação do modelo salvo, medida uma vez depois do treino: o número "
                             "que Prever mostra. A parada antecipada guarda a época com a menor perda de "
                             "validação, nem sempre a de melhor acurácia, e com \"Prever com a foto e seu "
                             "espelho\" cada foto é a média dela com o seu espelho: por isso as duas podem diferir."},
    "col.duration": {"en": "duration (seconds)", "pt": "duração (segundos)"},
    "col.train_acc": {"en": "train accuracy", "pt": "acurácia treino"},
    "col.val_acc": {"en": "validation accuracy", "pt": "acurácia validação"},
    "col.train_acc_last": {"en": "train accuracy, last epoch", "pt": "acurácia treino, última época"},
    "col.val_acc_last": {"en": "validation accuracy, last epoch", "pt": "acurácia validação, última época"},
    "col.gap": {"en": "gap (train - validation)", "pt": "diferença (treino - validação)"},
    "col.photo": {"en": "photo", "pt": "foto"},
    "col.prediction": {"en": "prediction", "pt": "previsão"},
    "col.confidence": {"en": "confidence", "pt": "confiança"},
    "col.error": {"en": "error", "pt": "erro"},
    "col.precision": {"en": "precision", "pt": "precisão"},
    "col.recall": {"en": "recall", "pt": "revocação"},
    "col.f1": {"en": "F1", "pt": "F1"},
    "col.support": {"en": "photos", "pt": "fotos"},
    "fig.epoch": {"en": "epoch", "pt": "época"},
    "fig.train": {"en": "train", "pt": "treino"},
    "fig.validation": {"en": "validation", "pt": "validação"},
    "note.mobilenet_v2": {"en": "The default where its weights can be had. 9 MB download, 2.3 M parameters; fast on a "
                                "laptop CPU.",
                          "pt": "A padrão quando seus pesos podem ser obtidos. Download de 9 MB, 2,3 M de parâmetros; "
                                "rápida na CPU de um notebook."},
    "note.mobilenet_v1_025": {"en": "Tiny: 2 MB download, 0.2 M parameters; the fastest, a little less accurate.",
                              "pt": "Mínima: download de 2 MB, 0,2 M de parâmetros; a mais rápida, um pouco "
                                    "menos precisa."},
    "note.resnet50": {"en": "95 MB download, 23.6 M parameters; accurate but about 8x slower than MobileNetV2.",
                      "pt": "Download de 95 MB, 23,6 M de parâmetros; precisa, mas cerca de 8x mais lenta que a "
                            "MobileNetV2."},
    "note.vgg16": {"en": "58 MB download, 14.7 M parameters; the classic of the seed course, slow on a CPU.",
                   "pt": "Download de 58 MB, 14,7 M de parâmetros; a clássica do curso original, lenta na CPU."},
    "note.simple_cnn": {"en": "No download, no pretraining: shows what learning from nothing gives.",
                        "pt": "Sem download, sem pré-treino: mostra o que se consegue aprendendo do zero."},
    "state.queued": {"en": "queued", "pt": "na fila"},
    "state.running": {"en": "running", "pt": "treinando"},
    "state.done": {"en": "done", "pt": "concluído"},
    "state.failed": {"en": "failed", "pt": "falhou"},
    "state.cancelled": {"en": "cancelled", "pt": "cancelado"},
    "on": {"en": "on", "pt": "ligado"},
    "off": {"en": "off", "pt": "desligado"},
    # predict
    "predict.title": {"en": "What is in the photo? Ask the model", "pt": "O que tem na foto? Pergunte ao modelo"},
    "predict.model": {"en": "Model: run **{run}** ({backbone}, validation accuracy {accuracy}). Change it in the "
                            "sidebar.",
                      "pt": "Modelo: treino **{run}** ({backbone}, acurácia na validação {accuracy}). Troque na "
                            "barra lateral."},
    "predict.photos": {"en": "Photos", "pt": "Fotos"},
    "upload.button": {"en": "Upload", "pt": "Enviar"},
    "upload.limit": {"en": "{mb} MB per file • {types}", "pt": "Até {mb} MB por arquivo • {types}"},
    "predict.camera": {"en": "Use the camera", "pt": "Usar a câmera"},
    "predict.take": {"en": "Take a photo", "pt": "Tirar uma foto"},
    "predict.gradcam": {"en": "Show where the model looked (Grad-CAM)",
                        "pt": "Mostrar para onde o modelo olhou (Grad-CAM)"},
    "predict.gradcam_help": {"en": "Red: the regions that pushed the model towards the chosen class.",
                             "pt": "Vermelho: as regiões que levaram o modelo à classe escolhida."},
    "predict.opacity": {"en": "Heatmap opacity", "pt": "Opacidade do mapa de calor"},
    "predict.explain_class": {"en": "Explain the class", "pt": "Explicar a classe"},
    "predict.looked": {"en": "{name}: where it saw '{label}'", "pt": "{name}: onde viu '{label}'"},
    "predict.all": {"en": "All results", "pt": "Todos os resultados"},
    "predict.probability": {"en": "probability", "pt": "probabilidade"},
    "predict.explain": {"en": "The model outputs one probability per class; they add up to 100%. It always answers "
                              "with one of the classes it knows, even for a photo of something else. Grad-CAM "
                              "colours the parts of the photo that most pushed it towards a class.",
                        "pt": "O modelo dá uma probabilidade por classe; elas somam 100%. Ele sempre responde com "
                              "uma das classes que conhece, mesmo para a foto de outra coisa. O Grad-CAM colore as "
                              "partes da foto que mais o levaram a uma classe."},
    # evaluate
    "eval.title": {"en": "Evaluate a model", "pt": "Avaliar um modelo"},
    "eval.no_folder": {"en": "There is no folder to evaluate on: add a dataset on the Home page.",
                       "pt": "Não há pasta para avaliar: adicione dados na página Início."},
    "eval.split_of": {"en": "{split} of {path}", "pt": "{split} de {path}"},
    "eval.dataset": {"en": "dataset {name}", "pt": "conjunto {name}"},
    "eval.on": {"en": "Evaluate on", "pt": "Avaliar em"},
    "eval.on_help": {"en": "A folder of class folders the model never trained on.",
                     "pt": "Uma pasta de pastas de classes que o modelo nunca viu no treino."},
    "eval.model": {"en": "Model: run **{run}** (change it in the sidebar).",
                   "pt": "Modelo: treino **{run}** (troque na barra lateral)."},
    "eval.predicting": {"en": "Predicting every photo...", "pt": "Prevendo todas as fotos..."},
    "eval.accuracy": {"en": "Accuracy", "pt": "Acurácia"},
    "eval.photos": {"en": "Photos", "pt": "Fotos"},
    "eval.wrong": {"en": "Wrong", "pt": "Erradas"},
    "eval.matrix": {"en": "Confusion matrix", "pt": "Matriz de confusão"},
    "eval.matrix_note": {"en": "Rows: the true class; columns: what the model said. Pick a cell to see its photos.",
                         "pt": "Linhas: a classe verdadeira; colunas: o que o modelo disse. Escolha uma célula "
                               "para ver as fotos."},
    "eval.predicted": {"en": "predicted", "pt": "previsto"},
    "eval.true": {"en": "true", "pt": "verdadeiro"},
    "eval.cell": {"en": "Cell", "pt": "Célula"},
    "eval.cell_photos": {"en": {"one": "{count} photo of {true} predicted as {predicted}",
                                "other": "{count} photos of {true} predicted as {predicted}"},
                         "pt": {"one": "{count} foto de {true} prevista como {predicted}",
                                "other": "{count} fotos de {true} previstas como {predicted}"}},
    "eval.first": {"en": " (first 24)", "pt": " (as 24 primeiras)"},
    "eval.roc": {"en": "ROC curve", "pt": "Curva ROC"},
    "eval.roc_title": {"en": "AUC = {auc} ('{positive}' as the positive class)",
                       "pt": "AUC = {auc} ('{positive}' como classe positiva)"},
    "eval.fpr": {"en": "false positive rate", "pt": "taxa de falsos positivos"},
    "eval.tpr": {"en": "true positive rate", "pt": "taxa de verdadeiros positivos"},
    "eval.worst": {"en": "Most confidently wrong", "pt": "Os erros mais confiantes"},
    "eval.no_mistakes": {"en": "No mistakes on these photos.", "pt": "Nenhum erro nestas fotos."},
    "eval.worst_note": {"en": "Sorted by confidence: the worst mistakes first. The heatmap shows where the model "
                              "looked when it chose the wrong class.",
                        "pt": "Ordenados por confiança: os piores erros primeiro. O mapa de calor mostra para onde "
                              "o modelo olhou ao escolher a classe errada."},
    "eval.probability": {"en": "P({name}) {probability}", "pt": "P({name}) {probability}"},
    "eval.seen_as": {"en": "{true} seen as {predicted} ({confidence})",
                     "pt": "{true} visto como {predicted} ({confidence})"},
    "eval.explain": {"en": "Accuracy is the share of photos it gets right. Precision: of the photos it called "
                           "'dog', how many were dogs. Recall: of the dogs, how many it found. The confusion "
                           "matrix shows which mistakes it makes; the worst ones often reveal a pattern.",
                     "pt": "Acurácia é a fração de fotos certas. Precisão: das fotos que ele chamou de "
                           "'cachorro', quantas eram cachorros. Revocação: dos cachorros, quantos ele achou. A "
                           "matriz de confusão mostra quais erros ele comete; os piores costumam revelar um padrão."},
    # export
    "export.title": {"en": "Take the model with you", "pt": "Leve o modelo com você"},
    "export.model": {"en": "Model: run **{run}** ({backbone}). Change it in the sidebar.",
                     "pt": "Modelo: treino **{run}** ({backbone}). Troque-o na barra lateral."},
    "export.keras": {"en": "The Keras model", "pt": "O modelo Keras"},
    "export.keras_note": {"en": "The whole network in one file: it opens in Python with Keras, without catdog. "
                                "The model card shows how.",
                          "pt": "A rede inteira em um arquivo: ele abre em Python com o Keras, sem o catdog. "
                                "A ficha do modelo mostra como."},
    "export.download": {"en": "Download model.keras", "pt": "Baixar model.keras"},
    "export.card": {"en": "The model card", "pt": "A ficha do modelo"},
    "export.card_note": {"en": "What the model was trained on, how well it did, how to use it and what it cannot "
                               "do, in markdown, in the language of this page.",
                         "pt": "Com o que o modelo foi treinado, como se saiu, como usá-lo e o que ele não sabe "
                               "fazer, em markdown, no idioma desta página."},
    "export.card_download": {"en": "Download the model card", "pt": "Baixar a ficha do modelo"},
    "export.card_preview": {"en": "Read the model card", "pt": "Ler a ficha do modelo"},
    "export.tflite": {"en": "TensorFlow Lite, for phones", "pt": "TensorFlow Lite, para celulares"},
    "export.tflite_note": {"en": "Before the file is offered, it is checked against the Keras model on {photos} "
                                 "of the run's validation photos: a float file must give the same probabilities "
                                 "(within {tolerance}), a quantized one the same top class on every photo.",
                           "pt": "Antes de o arquivo ser oferecido, ele é comparado com o modelo Keras em {photos} "
                                 "fotos de validação do treino: um arquivo float precisa dar as mesmas "
                                 "probabilidades (com diferença de até {tolerance}), um quantizado a mesma classe "
                                 "mais provável em todas as fotos."},
    "export.quantize": {"en": "Quantized (about 4 times smaller, probabilities a little different)",
                        "pt": "Quantizado (cerca de 4 vezes menor, probabilidades um pouco diferentes)"},
    "export.quantize_help": {"en": "Stores the weights in 8 bits instead of 32.",
                             "pt": "Guarda os pesos em 8 bits em vez de 32."},
    "export.make_tflite": {"en": "Make a TensorFlow Lite file", "pt": "Gerar um arquivo TensorFlow Lite"},
    "export.converting": {"en": "Converting and checking against the Keras model...",
                          "pt": "Convertendo e comparando com o modelo Keras..."},
    "export.tflite_float": {"en": "{mb} MB. Compared with the Keras model on {photos} validation photos: the same "
                                  "top class on {same} of {photos}, probabilities differ by at most {difference} "
                                  "(allowed: {tolerance}).",
                            "pt": "{mb} MB. Comparado com o modelo Keras em {photos} fotos de validação: a mesma "
                                  "classe mais provável em {same} de {photos}, probabilidades diferentes em no "
                                  "máximo {difference} (permitido: {tolerance})."},
    "export.tflite_quantized": {"en": "{mb} MB, quantized. Compared with the Keras model on {photos} validation "
                                      "photos: the same top class on {same} of {photos}, probabilities differ by at "
                                      "most {difference}.",
                                "pt": "{mb} MB, quantizado. Comparado com o modelo Keras em {photos} fotos de "
                                      "validação: a mesma classe mais provável em {same} de {photos}, "
                                      "probabilidades diferentes em no máximo {difference}."},
    "export.tflite_download": {"en": "Download the .tflite file", "pt": "Baixar o arquivo .tflite"},
    "export.explain": {"en": "A trained model is a file. model.keras is the whole network, for Python. The model "
                             "card tells whoever uses it what it learned from, how well it did and where it fails. "
                             "TensorFlow Lite is the format for phones and small devices; quantizing stores its "
                             "weights in 8 bits, a smaller file whose probabilities move a little, so catdog checks "
                             "that its answers stay the same.",
                       "pt": "Um modelo treinado é um arquivo. model.keras é a rede inteira, para Python. A ficha do "
                             "modelo conta a quem for usá-lo com o que ele aprendeu, como se saiu e onde erra. "
                             "TensorFlow Lite é o formato para celulares e aparelhos pequenos; quantizar guarda os "
                             "pesos em 8 bits, um arquivo menor cujas probabilidades mudam um pouco, por isso o "
                             "catdog confere que as respostas continuam as mesmas."},
    # your own classes
    "nav.classes": {"en": "Your own classes", "pt": "Suas próprias classes"},
    "classes.title": {"en": "Your own classes: make a dataset here",
                      "pt": "Suas próprias classes: monte um conjunto aqui"},
    "classes.explain": {"en": "A model learns only what its photos show. Here you choose the question: name two or "
                              "more classes (rock, paper, scissors...) and give each the photos the page asks for, "
                              "from files or the webcam. catdog checks every photo, keeps a fifth of each class "
                              "apart for validation (photos the model never trains on, to judge it honestly) and "
                              "trains only a new head on top of a network that already knows shapes and textures: "
                              "that is why a few dozen photos can be enough. Vary the background, the light and "
                              "the angle: if every photo of one class has the same background, the model may learn "
                              "the background instead of the object.",
                        "pt": "Um modelo só aprende o que as fotos mostram. Aqui você escolhe a pergunta: dê nome a "
                              "duas ou mais classes (pedra, papel, tesoura...) e dê a cada uma as fotos que a página "
                              "pede, de arquivos ou da webcam. O catdog confere cada foto, separa um quinto de "
                              "cada classe para validação (fotos com que o modelo nunca treina, para avaliá-lo com "
                              "honestidade) e treina só uma cabeça nova sobre uma rede que já conhece formas e "
                              "texturas: por isso algumas dezenas de fotos podem bastar. Varie o fundo, a luz e o "
                              "ângulo: se todas as fotos de uma classe tiverem o mesmo fundo, o modelo pode aprender "
                              "o fundo em vez do objeto."},
    "classes.none": {"en": "No dataset in the making yet: name one and its classes below.",
                     "pt": "Ainda não há conjunto em preparação: dê um nome a ele e às classes abaixo."},
    "classes.new": {"en": "Make a new dataset", "pt": "Montar um novo conjunto"},
    "classes.name": {"en": "Name of the dataset", "pt": "Nome do conjunto"},
    "classes.default_name": {"en": "my classes", "pt": "minhas classes"},
    "classes.class_names": {"en": "Classes, one per line (at least {minimum})",
                            "pt": "Classes, uma por linha (pelo menos {minimum})"},
    "classes.default_classes": {"en": "rock\npaper\nscissors", "pt": "pedra\npapel\ntesoura"},
    "classes.create": {"en": "Create", "pt": "Criar"},
    "classes.pick": {"en": "Dataset in the making", "pt": "Conjunto em preparação"},
    "classes.overview": {"en": "Photos per class", "pt": "Fotos por classe"},
    "classes.count": {"en": "{name}: {count} of {minimum} photos", "pt": "{name}: {count} de {minimum} fotos"},
    "classes.class": {"en": "Add photos to the class", "pt": "Adicionar fotos à classe"},
    "classes.new_class": {"en": "New class", "pt": "Nova classe"},
    "classes.add_class": {"en": "Add the class", "pt": "Adicionar a classe"},
    "classes.upload": {"en": "Photos of {name} (several at once)", "pt": "Fotos de {name} (várias de uma vez)"},
    "classes.webcam": {"en": "Use the webcam", "pt": "Usar a webcam"},
    "classes.shot": {"en": "Take a photo of {name}: each shot is added, then the camera is ready for the next",
                     "pt": "Tire uma foto de {name}: cada foto é adicionada e a câmera fica pronta para a próxima"},
    "classes.added": {"en": {"one": "Added {count} photo to {name}.", "other": "Added {count} photos to {name}."},
                      "pt": {"one": "{count} foto adicionada a {name}.",
                             "other": "{count} fotos adicionadas a {name}."}},
    "classes.duplicates": {"en": "Already there, kept once: {names}",
                           "pt": "Já estavam lá, guardadas uma vez: {names}"},
    "classes.photos_of": {"en": "Photos of {name}", "pt": "Fotos de {name}"},
    "classes.no_photos": {"en": "No photos of {name} yet.", "pt": "Ainda não há fotos de {name}."},
    "classes.more": {"en": "The first {shown} of {count} photos.", "pt": "As primeiras {shown} de {count} fotos."},
    "classes.remove": {"en": "Remove", "pt": "Remover"},
    "classes.manage": {"en": "Rename or delete {name}", "pt": "Renomear ou apagar {name}"},
    "classes.rename_to": {"en": "New name", "pt": "Novo nome"},
    "classes.rename": {"en": "Rename", "pt": "Renomear"},
    "classes.delete_class": {"en": {"one": "Delete {name} and its {count} photo",
                                    "other": "Delete {name} and its {count} photos"},
                             "pt": {"one": "Apagar {name} e sua {count} foto",
                                    "other": "Apagar {name} e suas {count} fotos"}},
    "classes.need": {"en": "Training is offered once there are at least {classes} classes with {minimum} photos "
                           "each. Still missing: {missing}.",
                     "pt": "O treino fica disponível quando houver pelo menos {classes} classes com {minimum} fotos "
                           "cada. Ainda faltam: {missing}."},
    "classes.missing_class": {"en": {"one": "{count} more class", "other": "{count} more classes"},
                              "pt": {"one": "mais {count} classe", "other": "mais {count} classes"}},
    "classes.missing_photos": {"en": {"one": "{count} photo of {name}", "other": "{count} photos of {name}"},
                               "pt": {"one": "{count} foto de {name}", "other": "{count} fotos de {name}"}},
    "classes.ready": {"en": "Every class has at least {minimum} photos: ready to train.",
                      "pt": "Todas as classes têm pelo menos {minimum} fotos: pronto para treinar."},
    "classes.train": {"en": "Train on these", "pt": "Treinar com estas"},
    "classes.publishing": {"en": "Writing the dataset (train and validation)...",
                           "pt": "Gravando o conjunto (treino e validação)..."},
    "classes.delete": {"en": "Delete this dataset in the making", "pt": "Apagar este conjunto em preparação"},
    "classes.delete_warning": {"en": "This deletes {name} and its photos here. A copy already trained on stays a "
                                     "dataset: delete it on the Home page.",
                               "pt": "Isto apaga {name} e suas fotos daqui. Uma cópia já usada para treinar continua "
                                     "sendo um conjunto de dados: apague-a na página Início."},
    "classes.delete_yes": {"en": "Yes, delete it", "pt": "Sim, apagar"},
    "classes.try": {"en": "Try the model live", "pt": "Experimente o modelo ao vivo"},
    "classes.try_note": {"en": "Model: run **{run}** (classes: {classes}). Each shot is predicted at once, and "
                               "the camera is ready for the next: move the object, change the light, and watch the "
                               "probabilities change.",
                         "pt": "Modelo: treino **{run}** (classes: {classes}). Cada foto é prevista na hora, e a "
                               "câmera fica pronta para a próxima: mova o objeto, mude a luz e veja as "
                               "probabilidades mudarem."},
    "classes.try_other": {"en": "This model learned other classes. Train on these, then pick its run in the "
                                "sidebar.",
                          "pt": "Este modelo aprendeu outras classes. Treine com estas e escolha o treino na barra "
                                "lateral."},
    "classes.try_camera": {"en": "Show the model something", "pt": "Mostre algo ao modelo"},
    "classes.shots": {"en": "Shot {number}: {label} ({confidence})", "pt": "Foto {number}: {label} ({confidence})"},
    # inside the network
    "nav.inside": {"en": "Inside the network", "pt": "Por dentro da rede"},
    "inside.title": {"en": "Inside the network", "pt": "Por dentro da rede"},
    "inside.explain": {"en": "Four ways to look inside the network that transfer learning reuses: where its "
                             "features put each photo, what its layers are and which of them learn, what a photo "
                             "becomes layer after layer, and what happens to the pixels before the first layer.",
                       "pt": "Quatro jeitos de olhar dentro da rede que a transferência de aprendizado "
                             "reaproveita: onde suas características colocam cada foto, quais são suas camadas e "
                             "quais delas aprendem, o que uma foto vira camada após camada, e o que acontece com os "
                             "pixels antes da primeira camada."},
    "inside.tab_space": {"en": "Feature space", "pt": "Espaço de características"},
    "inside.tab_anatomy": {"en": "Anatomy", "pt": "Anatomia"},
    "inside.tab_maps": {"en": "Feature maps", "pt": "Mapas de ativação"},
    "inside.tab_pre": {"en": "Preprocessing", "pt": "Pré-processamento"},
    "inside.backbone": {"en": "Network", "pt": "Rede"},
    "inside.method": {"en": "Map", "pt": "Mapa"},
    "inside.method_pca": {"en": "PCA (fast, straight)", "pt": "PCA (rápido, linear)"},
    "inside.method_tsne": {"en": "t-SNE (neighbours kept close)", "pt": "t-SNE (vizinhos ficam perto)"},
    "inside.mark_run": {"en": "Mark the photos this run gets wrong", "pt": "Marcar as fotos que este treino erra"},
    "inside.no_run": {"en": "none", "pt": "nenhum"},
    "inside.draw": {"en": "Draw the maps", "pt": "Desenhar os mapas"},
    "inside.drawing": {"en": "Reading the features of every photo (computed once per network, then cached)...",
                       "pt": "Lendo as características de cada foto (calculadas uma vez por rede, depois "
                             "guardadas)..."},
    "inside.pretrained": {"en": "Pretrained on ImageNet", "pt": "Pré-treinada na ImageNet"},
    "inside.random": {"en": "Random weights", "pt": "Pesos aleatórios"},
    "inside.probe": {"en": "Linear probe", "pt": "Sonda linear"},
    "inside.probe_help": {"en": "Accuracy of a logistic regression on the full features, cross-validated: what a "
                                "head with no hidden layer can reach. 50% is a coin toss for two classes.",
                          "pt": "Acurácia de uma regressão logística sobre as características completas, com "
                                "validação cruzada: o que uma cabeça sem camada oculta consegue. 50% é cara ou coroa "
                                "para duas classes."},
    "inside.silhouette": {"en": "Silhouette", "pt": "Silhueta"},
    "inside.silhouette_help": {"en": "From -1 to 1: how much closer a photo is to its own class than to the "
                                     "other, in the full features. Near 0: the classes overlap.",
                               "pt": "De -1 a 1: quanto uma foto está mais perto da própria classe do que da outra, "
                                     "nas características completas. Perto de 0: as classes se misturam."},
    "inside.map_caption": {"en": "{photos} photos, {dimensions} numbers each, drawn in 2-D in {seconds} s. In the "
                                 "2-D map: linear probe {probe}, silhouette {silhouette}.",
                           "pt": "{photos} fotos, {dimensions} números cada, desenhadas em 2-D em {seconds} s. No "
                                 "mapa 2-D: sonda linear {probe}, silhueta {silhouette}."},
    "inside.marked": {"en": "wrong for {run}", "pt": "erro de {run}"},
    "inside.click": {"en": "Click a point to see its photo.", "pt": "Clique em um ponto para ver a foto."},
    "inside.clicked": {"en": "{name} ({label})", "pt": "{name} ({label})"},
    "inside.no_weights": {"en": "No pretrained network has its ImageNet weights on this server: the maps need one.",
                          "pt": "Nenhuma rede pré-treinada tem os pesos da ImageNet neste servidor: os mapas "
                                "precisam de uma."},
    "inside.space_explain": {
        "en": "Each dot is a photo: the frozen backbone turned it into a list of numbers (its features), and the "
              "map squeezes those lists into two dimensions so that similar photos land near each other. On the "
              "left, the network that learned from ImageNet's 1.2 million photos: cats gather on one side, dogs on "
              "the other, although it never saw this dataset. On the right, the same network with random weights: "
              "the classes are mixed. That is why transfer learning works: the pretrained features already part "
              "the classes, so a small head trained on few photos is enough. The linear probe measures it.",
        "pt": "Cada ponto é uma foto: a base congelada a transformou em uma lista de números (suas "
              "características), e o mapa espreme essas listas em duas dimensões para que fotos parecidas caiam "
              "perto umas das outras. À esquerda, a rede que aprendeu com 1,2 milhão de fotos da ImageNet: os gatos "
              "se juntam de um lado, os cachorros do outro, embora ela nunca tenha visto este conjunto. À direita, a "
              "mesma rede com pesos aleatórios: as classes se misturam. É por isso que a transferência de "
              "aprendizado funciona: as características pré-treinadas já separam as classes, então uma cabeça "
              "pequena treinada com poucas fotos basta. A sonda linear mede isso."},
    "inside.anatomy_of": {"en": "The network of run **{run}** ({backbone}, {size} px, {classes} classes).",
                          "pt": "A rede do treino **{run}** ({backbone}, {size} px, {classes} classes)."},
    "inside.anatomy_default": {"en": "No run chosen: the network a new run of {backbone} at {size} px would build.",
                               "pt": "Nenhum treino escolhido: a rede que um novo treino de {backbone} em {size} px "
                                     "montaria."},
    "inside.total": {"en": "Parameters", "pt": "Parâmetros"},
    "inside.phase1": {"en": "Learn in phase 1", "pt": "Aprendem na fase 1"},
    "inside.phase2": {"en": "Learn in phase 2", "pt": "Aprendem na fase 2"},
    "inside.heads": {"en": "Head choices on this feature map ({shape})", "pt": "Opções de cabeça neste mapa ({shape})"},
    "inside.head_avg": {"en": "GlobalAveragePooling2D", "pt": "GlobalAveragePooling2D"},
    "inside.head_flatten": {"en": "Flatten", "pt": "Flatten"},
    "inside.head_dense": {"en": " + Dense {units}", "pt": " + Dense {units}"},
    "inside.anatomy_explain": {
        "en": "A network is a stack of layers; each block of the backbone repeats the same pattern (convolution, "
              "normalisation, activation) and makes the picture smaller and deeper. Phase 1 freezes the backbone: "
              "only the head learns, a few hundred or thousand weights instead of hundreds of thousands. Phase 2 "
              "(fine-tuning) lets the top blocks learn too. The head choice matters: average pooling keeps one "
              "number per channel, Flatten keeps every position, so the Dense layer after it needs many more "
              "weights, which few photos cannot pin down (overfitting).",
        "pt": "Uma rede é uma pilha de camadas; cada bloco da base repete o mesmo padrão (convolução, "
              "normalização, ativação) e deixa a imagem menor e mais profunda. A fase 1 congela a base: só a cabeça "
              "aprende, algumas centenas ou milhares de pesos em vez de centenas de milhares. A fase 2 (ajuste "
              "fino) deixa os blocos do topo aprenderem também. A escolha da cabeça importa: a média global guarda "
              "um número por canal, o Flatten guarda cada posição, então a camada Dense depois dele precisa de "
              "muito mais pesos, que poucas fotos não conseguem determinar (sobreajuste)."},
    "col.layer": {"en": "layer or block", "pt": "camada ou bloco"},
    "inside.block": {"en": "block {number}", "pt": "bloco {number}"},
    "col.part": {"en": "part", "pt": "parte"},
    "col.kinds": {"en": "layer types", "pt": "tipos de camada"},
    "col.layers": {"en": "layers", "pt": "camadas"},
    "col.output": {"en": "output shape", "pt": "formato da saída"},
    "col.parameters": {"en": "parameters", "pt": "parâmetros"},
    "col.phase1": {"en": "learn in phase 1", "pt": "aprendem na fase 1"},
    "col.phase2": {"en": "learn in phase 2", "pt": "aprendem na fase 2"},
    "col.head": {"en": "head", "pt": "cabeça"},
    "part.input": {"en": "input", "pt": "entrada"},
    "part.backbone": {"en": "backbone (frozen)", "pt": "base (congelada)"},
    "part.head": {"en": "head", "pt": "cabeça"},
    "inside.photo": {"en": "Photo number (of {count})", "pt": "Número da foto (de {count})"},
    "inside.upload": {"en": "Or your own photo", "pt": "Ou uma foto sua"},
    "inside.weights_used": {"en": "{backbone} with ImageNet weights.", "pt": "{backbone} com os pesos da ImageNet."},
    "inside.weights_random": {"en": "{backbone} with random weights (no ImageNet weights here).",
                              "pt": "{backbone} com pesos aleatórios (sem os pesos da ImageNet aqui)."},
    "inside.layer_caption": {"en": "{layer}: {height} x {width}, {channels} channels (first {shown} shown)",
                             "pt": "{layer}: {height} x {width}, {channels} canais ({shown} primeiros)"},
    "inside.maps_explain": {
        "en": "Each small square is one channel of a layer: bright where that channel's filter found its pattern. "
              "Early layers react to edges and colours, so the photo is still recognisable; deeper layers are "
              "smaller and react to textures, then to parts (an eye, an ear, fur). The last layer's channels are "
              "what the head averages into the features it classifies.",
        "pt": "Cada quadradinho é um canal de uma camada: claro onde o filtro daquele canal achou o seu padrão. "
              "As primeiras camadas reagem a bordas e cores, então a foto ainda é reconhecível; as mais profundas "
              "são menores e reagem a texturas, depois a partes (um olho, uma orelha, pelo). Os canais da última "
              "camada são o que a cabeça resume nas características que ela classifica."},
    "inside.before": {"en": "The photo's pixels (0 to 255, R G B)", "pt": "Os pixels da foto (0 a 255, R G B)"},
    "pre.tf": {"en": "MobileNet, MobileNetV2: scaled to [-1, 1]", "pt": "MobileNet, MobileNetV2: escala [-1, 1]"},
    "pre.caffe": {"en": "VGG16, ResNet50 (caffe): RGB to BGR, minus ImageNet's mean",
                  "pt": "VGG16, ResNet50 (caffe): RGB para BGR, menos a média da ImageNet"},
    "pre.unit": {"en": "Rescaled by 1/255: [0, 1] (right only for the CNN from scratch)",
                 "pt": "Dividido por 255: [0, 1] (certo só para a CNN treinada do zero)"},
    "pre.range": {"en": "from {low} to {high}, mean {mean}", "pt": "de {low} a {high}, média {mean}"},
    "fig.separators": {"en": ".,", "pt": ",."},  # plotly's decimal mark, then its thousands separator
    "fig.value": {"en": "value", "pt": "valor"},
    "fig.pixels": {"en": "pixels", "pt": "pixels"},
    "inside.experiment": {"en": "Measure the mistake", "pt": "Medir o erro"},
    "inside.experiment_note": {
        "en": "Two runs of {backbone} on the active dataset, {epochs} epochs of the head each: one with the "
              "network's own preprocessing, one with pixels / 255. Their curves open side by side.",
        "pt": "Dois treinos de {backbone} no conjunto ativo, {epochs} épocas da cabeça cada: um com o "
              "pré-processamento da própria rede, outro com pixels / 255. As curvas abrem lado a lado."},
    "inside.pre_explain": {
        "en": "A pretrained network learned on pixels prepared one way, and must see them prepared the same way. "
              "MobileNet expects values from -1 to 1; VGG16 and ResNet50 expect blue-green-red with ImageNet's "
              "average colour subtracted. Dividing by 255, as many tutorials do, gives 0 to 1: the first layer then "
              "sees inputs in another range than the one its filters were trained on. How much that costs depends "
              "on the network (far from the expected range, as for VGG16, more than for MobileNet): the experiment "
              "measures it on your photos instead of asking you to believe it.",
        "pt": "Uma rede pré-treinada aprendeu com pixels preparados de um jeito, e precisa vê-los preparados do "
              "mesmo jeito. A MobileNet espera valores de -1 a 1; a VGG16 e a ResNet50 esperam azul-verde-vermelho "
              "com a cor média da ImageNet subtraída. Dividir por 255, como muitos tutoriais fazem, dá de 0 a 1: a "
              "primeira camada vê entradas em outra faixa do que aquela com que seus filtros foram treinados. "
              "Quanto isso custa depende da rede (longe da faixa esperada, como na VGG16, mais do que na "
              "MobileNet): o experimento mede isso nas suas fotos, em vez de pedir que você acredite."},
}


# The reader's language, kept apart from the picker's own widget state: Streamlit may reset a
# widget to its first option (English) when the first runs after a server start see different
# page hashes, which lost a first visitor's Portuguese (and the name they had just typed).
CHOSEN_LANGUAGE = "_language"


def language() -> str:
    """The sidebar's choice, else the browser's language, else English."""
    chosen = st.session_state.get(CHOSEN_LANGUAGE)
    if chosen in LANGUAGES:
        return chosen
    locale = (st.context.locale or "") if hasattr(st, "context") else ""
    return "pt" if locale.lower().startswith("pt") else "en"


def number(value: float, spec: str = ".3f") -> str:
    """`format(value, spec)` in the reader's language: 0.975 in English, 0,975 in Portuguese."""
    return FORMATTERS[language()].format_field(value, spec)


def t(key: str, **values) -> str:
    chosen = language()
    text = choose_form(S[key][chosen], chosen, values)
    return FORMATTERS[chosen].format(text, **values) if values else text


def explainer(key: str) -> None:
    """The page's short 'What is happening here?' for students."""
    with st.expander(t("explain.title"), icon=":material/school:"):
        st.markdown(t(key))
