"""The core's error messages in Brazilian Portuguese, and `render` to show one in a language.

`catdog.errors.MESSAGES` holds the English (what happened, what was expected, how to fix
it) under a key; `PT` holds the same three texts for every key, with the same
placeholders. A test checks that no key is missing and that the placeholders agree.
Identifiers stay as they are: file and folder names, setting names (`epochs`), commands;
a run's state is shown in the page's words. Numbers are written as Brazil writes them
(`catdog.language`: 2,5 GB; a "," in a template's format gives 40.000.000).
"""

from __future__ import annotations

import streamlit as st

from catdog.errors import CatdogError, fill
from catdog.language import FORMATTERS
from webui.text import S, language, t

SEES_SERVER = "_sees_server"  # session state: set by webui.identity for each run of a page

PT: dict[str, tuple[str, str, str]] = {
    # config.py, settings.py
    "backbone_not_on_server": (
        "A rede {backbone} não está disponível neste servidor compartilhado.",
        "uma destas: {allowed}",
        "escolha uma rede menor; as grandes precisam de mais memória do que este servidor tem.",
    ),
    "backbone_not_available": (
        "A rede {backbone} não está disponível no catdog.",
        "uma destas: {allowed}",
        "escolha uma rede menor; as grandes precisam de mais memória do que este servidor tem.",
    ),
    "over_server_limit": (
        "{name} = {value} é mais do que este servidor compartilhado permite.", "no máximo {limit}", ""),
    "over_limit": ("{name} = {value} é mais do que o catdog permite.", "no máximo {limit}", ""),
    "unknown_settings": (
        {"one": "Configuração de treino desconhecida: {names}.",
         "other": "Configurações de treino desconhecidas: {names}."},
        "apenas {known}",
        "remova ou renomeie essas chaves.",
    ),
    "not_a_number": ("{name} precisa ser um número, mas recebeu {value!r}.", "de {low} a {high}", ""),
    "out_of_range": (
        "{name} = {value} está fora do intervalo permitido.",
        "de {low} a {high}",
        "escolha um valor de {name} entre {low} e {high}.",
    ),
    "unknown_pooling": ("Pooling desconhecido: {pooling!r}.", "um destes: {allowed}", ""),
    "unknown_strategy": (
        "Estratégia desconhecida: {strategy!r}.",
        "uma destas: {allowed}",
        "use multiworker só com TF_CONFIG definido em todas as máquinas (veja o README).",
    ),
    "unknown_weights": (
        "Pesos desconhecidos: {weights!r}.",
        "um destes: {allowed}",
        'use "imagenet" para transferência de aprendizado ou "none" para começar com pesos aleatórios.',
    ),
    # network/backbones.py, network/weights.py
    "unknown_backbone": (
        "Rede desconhecida: {name!r}.",
        "uma destas: {allowed}",
        "escolha um nome dessa lista (por exemplo, --backbone mobilenet_v1_025).",
    ),
    # data/augment.py
    "unknown_augment_preset": ("Predefinição de aumento de dados desconhecida: {name!r}.", "uma destas: {allowed}", ""),
    "unknown_augment_setting": (
        "Ajuste de aumento de dados desconhecido: {name!r}.",
        "um destes: {allowed}",
        'escreva os ajustes como nome=valor, por exemplo "light,rotation=15".',
    ),
    "augment_out_of_range": (
        "A configuração de aumento de dados {name} não pode ser {value!r}.",
        "de {low} a {high}",
        'escolha um valor nesse intervalo, por exemplo "rotation=15".',
    ),
    "bad_augment_value": (
        "O ajuste de aumento de dados {name} não pode ser {value!r}.",
        "um número, ou true/false para uma opção de ligar/desligar",
        'escreva como nome=valor, por exemplo "rotation=15" ou "horizontal_flip=true".',
    ),
    # data/folders.py
    "dataset_missing": (
        "A pasta do conjunto de dados {path} não existe.",
        "",
        ("informe uma pasta que exista, ou coloque os conjuntos de dados em {root} "
         "(`python -m catdog data download` baixa o exemplo)."),
    ),
    "dataset_is_file": (
        "{path} é um arquivo, não uma pasta de conjunto de dados.",
        "uma pasta com train/ e validation/, ou uma pasta por classe",
        "",
    ),
    "no_class_folders": (
        "{folder} não tem nenhuma pasta de classe com imagens.",
        "pelo menos duas pastas de classe, por exemplo cats/ e dogs/, cada uma com arquivos de imagem",
        "organize as fotos como <conjunto>/train/<classe>/*.jpg (e validation/), ou <conjunto>/<classe>/*.jpg.",
    ),
    "too_few_class_folders": (
        {"one": "{folder} tem {count} pasta de classe com imagens ({names}).",
         "other": "{folder} tem {count} pastas de classe com imagens ({names})."},
        "pelo menos duas pastas de classe, por exemplo cats/ e dogs/, cada uma com arquivos de imagem",
        "organize as fotos como <conjunto>/train/<classe>/*.jpg (e validation/), ou <conjunto>/<classe>/*.jpg.",
    ),
    "no_validation_split": (
        "{path} tem train/, mas não tem a pasta validation/.",
        "train/ e validation/ lado a lado, com as mesmas pastas de classe",
        ("adicione uma divisão validation/, ou coloque as pastas de classe direto na pasta do conjunto de dados "
         "para o catdog fazer a divisão."),
    ),
    "split_classes_differ": (
        "{split}/ tem as classes {names}, mas train/ tem {train_names}.",
        "as mesmas pastas de classe em todas as divisões",
        "",
    ),
    "download_failed": (
        "Não foi possível baixar o conjunto de dados de exemplo de {url} ({reason}).",
        "uma conexão com a internet",
        ("envie suas fotos num zip, em \"Suas próprias fotos\" ao lado (uma pasta por classe); ou copie uma "
         "pasta de conjunto de dados para {root}."),
    ),
    "download_has_no_train": (
        "O arquivo baixado em {folder} não tem a pasta train/.",
        "",
        "apague {downloads} e baixe de novo.",
    ),
    # data/images.py
    "image_missing": ("{name}: arquivo não encontrado.", "", "confira o caminho e o nome do arquivo."),
    "image_too_large": (
        "{name}: recusada, a imagem diz ter {width} x {height} pixels.",
        "no máximo {limit} pixels",
        "reduza o tamanho da foto antes de enviá-la.",
    ),
    "image_bomb": (
        "{name}: recusada, a imagem diz ter mais de {claimed} pixels.",
        "no máximo {limit} pixels",
        "reduza o tamanho da foto antes de enviá-la.",
    ),
    "image_too_big_to_open": (
        "{name}: recusada, esta imagem {kind} ocuparia {megabytes:,.0f} MB de memória para ser aberta.",
        "no máximo {limit_mb:,.0f} MB: cerca de {megapixels:,.1f} megapixels para uma imagem {kind} como esta",
        "salve-a menor (ou como JPEG) e envie de novo.",
    ),
    "image_wait_too_long": (
        "{name}: não foi aberta, o servidor passou {seconds} segundos ocupado abrindo outras fotos grandes.",
        "",
        "tente de novo daqui a pouco.",
    ),
    "image_unknown_format": (
        "{name}: não é uma imagem legível (o conteúdo não está em um formato de imagem conhecido).",
        "JPEG, PNG, WebP, BMP, GIF ou TIFF",
        "confira se o arquivo é mesmo uma foto; mudar a extensão do arquivo não o converte.",
    ),
    "image_damaged": (
        "{name}: a imagem está danificada e não pode ser decodificada ({reason}).",
        "",
        "exporte ou baixe a foto de novo.",
    ),
    # classroom/archive.py
    "zip_absolute_path": (
        "Recusado: o zip contém um caminho absoluto ({entry}).",
        "caminhos relativos, como train/cats/1.jpg",
        "",
    ),
    "zip_leaves_folder": (
        "Recusado: o zip contém um caminho que sai da sua pasta ({entry}).", "nenhum '..' nos caminhos", ""),
    "zip_symlink": ("Recusado: o zip contém um link simbólico ({entry}).", "só arquivos e pastas comuns", ""),
    "zip_too_many_files": (
        "Recusado: o zip contém {count} arquivos.",
        "no máximo {limit}",
        "use menos fotos por conjunto de dados neste servidor.",
    ),
    "zip_too_large": (
        "Recusado: o zip ocuparia {gigabytes:.1f} GB descompactado.",
        "no máximo {limit_gigabytes:.1f} GB descompactado",
        "divida o conjunto de dados ou use fotos menores.",
    ),
    "zip_bomb": (
        ("Recusado: o zip descompacta mais do que seus cabeçalhos dizem (mais de {limit_gigabytes:.1f} GB): "
         "uma bomba de zip."),
        "",
        "",
    ),
    "dataset_name_invalid": ("{name!r} não pode ser nome de um conjunto de dados.", "letras, dígitos, - e _", ""),
    "dataset_exists": ("Já existe um conjunto de dados chamado {name}.", "", "escolha outro nome."),
    "collection_name_taken": ("Outro estudante já está juntando fotos com o nome {name}.", "",
                              "escolha outro nome, por exemplo {suggestion}."),
    "zip_too_many_entries": ("Recusado: o zip tem mais arquivos e pastas do que um conjunto de dados tem.",
                             "no máximo {limit}", "compacte só a pasta do conjunto de dados."),
    "zip_too_deep": ("Recusado: o zip tem {entry}, com {depth} pastas de profundidade.", "no máximo {limit}",
                     "compacte a pasta do conjunto de dados (com train/ e validation/, ou as pastas das classes)."),
    "zip_name_clash": ("Recusado: o zip tem {first} e {second}, que seriam guardados como um só.",
                       "cada nome de arquivo e pasta uma vez (maiúsculas e acentos escritos de um só jeito)",
                       "renomeie um deles e compacte a pasta de novo."),
    "zip_damaged_entry": ("O zip está danificado: não dá para ler {entry} ({reason}).", "",
                          "compacte a pasta de novo, ou envie o zip de novo."),
    "upload_too_big": ("O arquivo enviado tem {megabytes:,.0f} MB.", "no máximo {limit_mb} MB neste servidor",
                       "envie um arquivo menor (menos fotos, ou fotos menores)."),
    "disk_full": ("O disco do servidor está cheio: o {what} não foi guardado, e nada ficou pela metade.", "",
                  "avise o professor; apague treinos ou conjuntos de dados de que não precisa mais."),
    "teacher_code_wait": ("Foram digitados códigos de professor errados demais.", "",
                          "espere {seconds} s e digite o código de novo."),
    "display_name_refused": ("Esse nome não pode ser mostrado à turma.",
                             "até {length} caracteres, nenhum deles invisível", "digite seu nome de novo."),
    "out_is_folder": ("{path} é uma pasta.", "um nome de arquivo para gravar",
                      "acrescente o nome do arquivo ao caminho."),
    "out_folder_missing": ("A pasta {folder} não existe.", "uma pasta existente para {path}",
                           "crie a pasta antes, ou grave em outro lugar."),
    "models_dir_not_folder": ("{path} é um arquivo, não uma pasta de treinos.", "", "indique uma pasta."),
    "file_error": ("{path}: {reason}.", "", "confira o caminho, as permissões e o espaço livre em disco."),
    "teacher_only_wipe": ("Só o professor pode apagar os dados da turma inteira.", "", ""),
    "zip_encrypted": ("O zip está protegido por senha ({entry}).", "um zip sem senha",
                      "compacte a pasta de novo sem senha."),
    "teacher_only_misnamed": ("Só o professor pode apagar pastas da raiz de dados.", "", ""),
    "zip_unreadable": ("O arquivo enviado não é um zip legível ({reason}).", "", ""),
    # runs.py and jobs.py
    "run_damaged_missing": ("O treino {run} não pode ser lido: falta o arquivo {file}.", "",
                            "apague o treino; os outros treinos não são afetados."),
    "run_damaged_not_json": ("O treino {run} não pode ser lido: o arquivo {file} está danificado (não é JSON).", "",
                             "apague o treino; os outros treinos não são afetados."),
    "run_damaged_not_text": ("O treino {run} não pode ser lido: o arquivo {file} não é texto.", "",
                             "apague o treino; os outros treinos não são afetados."),
    "run_damaged_not_a_record": ("O treino {run} não pode ser lido: o arquivo {file} não contém um registro.",
                                 "um objeto JSON", "apague o treino; os outros treinos não são afetados."),
    "run_damaged_value": ("O treino {run} não pode ser lido: o arquivo {file} diz {name} = {value}, o que o catdog "
                          "nunca escreve.", "", "apague o treino; os outros treinos não são afetados."),
    "no_finished_run": (
        "Ainda não há nenhum treino concluído em {root}.",
        "",
        "treine um primeiro: python -m catdog train --data DIR",
    ),
    "run_not_found": (
        "Nenhum treino chamado {ref!r} em {root}.",
        "o id de um treino, a pasta de um treino ou 'latest'",
        "liste os treinos com: python -m catdog runs",
    ),
    "run_not_found_example": (
        "Nenhum treino chamado {ref!r} em {root}.",
        "o id de um treino, a pasta de um treino ou 'latest', por exemplo {example}",
        "liste os treinos com: python -m catdog runs",
    ),
    "run_busy": ("O treino {run} está {state}.", "", "cancele-o antes de apagá-lo."),
    "run_already_finished": ("O treino {run} já terminou ({state}); não há nada para cancelar.", "", ""),
    "job_cancelled_before_start": ("Cancelado antes de começar.", "", ""),
    "job_cancelled": ("Cancelado a pedido; o modelo não foi salvo.", "", ""),
    "job_cancelled_by_teacher": ("Cancelado pelo professor, {by}; o modelo não foi salvo.", "",
                                 "pergunte o motivo, ou comece de novo com menos épocas."),
    "quota_class_queue": (
        "A fila da turma está cheia: {count} treinos estão esperando ou treinando.",
        "no máximo {limit} ao mesmo tempo neste servidor",
        "espere alguns terminarem e comece de novo.",
    ),
    "quota_waiting_runs": ({"one": "Você já tem {count} treino esperando ou treinando.",
                            "other": "Você já tem {count} treinos esperando ou treinando."},
                           "no máximo {limit} por vez",
                           "espere um terminar, ou cancele um na página Treinar."),
    "quota_kept_runs": ("Você já guarda {count} treinos neste servidor compartilhado.", "no máximo {limit}",
                        "apague os treinos de que não precisa mais na página Curvas de treino."),
    "quota_datasets": ({"one": "Você já guarda {count} conjunto de dados importado neste servidor compartilhado "
                               "({names}).",
                        "other": "Você já guarda {count} conjuntos de dados importados neste servidor compartilhado "
                                 "({names})."},
                       "no máximo {limit}", "apague um de que não precisa mais na página Início e importe de novo."),
    "quota_upload_disk": ("Seus conjuntos de dados ocupam {used_mb} MB e este envio {size_mb} MB.",
                          "no máximo {limit_mb} MB de fotos enviadas por aluno", "apague um conjunto de que não "
                          "precisa mais ({names}) na página Início, ou envie menos fotos."),
    "dataset_not_found": ("Não existe um conjunto de dados chamado {name}.", "", "escolha um dos conjuntos listados."),
    "teacher_only_job_minutes": ("Só o professor pode mudar os minutos por treino da turma.", "",
                                 "peça ao professor."),
    "teacher_only_test_set": ("Só o professor pode escolher o conjunto de teste da turma.", "", "peça ao professor."),
    "no_test_set": ("O professor ainda não escolheu um conjunto de teste.", "", "o professor escolhe um na página "
                    "Ranking; cada treino concluído é então avaliado nele."),
    "test_set_hidden": ("O conjunto de teste da turma é reservado ao ranking: nenhum aluno treina com ele.", "",
                        "escolha outro conjunto de dados na barra lateral."),
    "not_your_dataset": ("O conjunto de dados {dataset} é de {owner}: só essa pessoa e o professor podem apagá-lo.",
                         "", "apague seus próprios conjuntos; peça ao professor para remover qualquer outro."),
    "shared_dataset": ("O conjunto de dados {dataset} foi colocado no servidor para a turma toda: só o professor "
                       "pode apagá-lo.", "", "peça ao professor."),
    "dataset_busy": ("Um treino na fila ou em andamento usa o conjunto de dados {dataset}.", "", "espere ele "
                     "terminar, ou cancele-o na página Treinar, e então apague o conjunto."),
    "not_your_run": ("O treino {run} é de {owner}: só essa pessoa e o professor podem cancelá-lo ou apagá-lo.", "",
                     "cancele ou apague os seus próprios treinos; peça ao professor para remover o de outra pessoa."),
    "job_silent": ("O processo de treino (pid {pid}) parou de dar sinal de vida: travou, ou o servidor está "
                   "sobrecarregado.", "", "inicie o treino de novo."),
    "job_gone": ("O processo de treino (pid {pid}) não está mais rodando: foi encerrado ou falhou, ou o "
                 "servidor reiniciou.", "", "inicie o treino de novo."),
    # use/export.py
    "export_without_model": ("O treino {run} não tem modelo para exportar (estado: {state}).", "", ""),
    "tflite_top_class_differs": (
        ("O modelo TensorFlow Lite quantizado escolhe uma classe diferente da do modelo Keras em {differ} "
         "de {photos} fotos (as probabilidades deles diferem em até {difference:.2f})."),
        "a mesma classe mais provável que o modelo Keras em todas as {photos} fotos",
        "exporte sem quantização: um arquivo maior, com as mesmas respostas que o modelo Keras.",
    ),
    "tflite_float_differs": (
        ("O modelo TensorFlow Lite não calcula o que o modelo Keras calcula: em {photos} fotos, as "
         "probabilidades deles diferem em até {difference:.2g}."),
        "uma diferença de no máximo {tolerance}",
        "use o model.keras, ou tente de novo com outra versão do TensorFlow.",
    ),
    "unknown_card_language": ("Não há ficha do modelo no idioma {language!r}.", "um destes: {allowed}", ""),
    # use/explain.py
    "opacity_out_of_range": ("opacidade = {opacity} está fora do intervalo permitido.", "de 0 a 1", ""),
    "unknown_class": ("Classe desconhecida: {name!r}.", "uma destas: {allowed}", ""),
    # training/multiworker.py
    "tf_config_missing": (
        "--strategy multiworker precisa de TF_CONFIG descrevendo o cluster, mas ele não foi definido.",
        "JSON com cluster.worker (host:porta de cada worker) e task.index",
        "em cada máquina, defina por exemplo {example} (índice 1 na segunda).",
    ),
    "tf_config_invalid": (
        "--strategy multiworker precisa de TF_CONFIG descrevendo o cluster; recebeu {raw!r}.",
        "JSON com cluster.worker (host:porta de cada worker) e task.index",
        "em cada máquina, defina por exemplo {example} (índice 1 na segunda).",
    ),
    "tf_config_bad_task": (
        "TF_CONFIG indica a tarefa {kind} {index}, mas o cluster tem os workers {workers}.",
        "tipo de tarefa 'worker' com um índice de 0 a {last}",
        "dê a cada máquina o seu próprio índice; o worker 0 guarda o registro do treino.",
    ),
    "too_few_photos_for_workers": (
        "{photos} fotos de treino não podem ser divididas entre {count} workers.",
        "pelo menos uma foto por worker ({count})",
        "adicione fotos ou use menos workers.",
    ),
    # network/model.py, network/weights.py
    "weights_unavailable": (
        "Os pesos ImageNet da rede {backbone} não estão nesta máquina e não puderam ser baixados ({reason}).",
        "o arquivo {file} em {folder}",
        ("treine com --backbone {instead} (que treina aqui), ou conecte-se à internet uma vez, ou copie "
         "{file} para {folder} (ou defina KERAS_HOME como uma pasta que contenha models/<arquivo>)."),
    ),
    "weights_unavailable_at_size": (
        "Os pesos ImageNet da rede {backbone} para imagens de {image_size} px não estão nesta máquina e não "
        "puderam ser baixados ({reason}).",
        "o arquivo {file} em {folder}",
        ("treine com --image-size {ready_size} (cujos pesos estão aqui), ou conecte-se à internet uma vez, ou "
         "copie {file} para {folder}."),
    ),
    "too_few_classes_for_model": ("Um classificador precisa de pelo menos 2 classes, mas recebeu {count}.", "", ""),
    "model_has_lambda": (
        "{path}: recusado, o modelo contém uma camada Lambda (código arbitrário).",
        "um modelo salvo pelo catdog",
        "",
    ),
    # training/train.py
    "no_readable_images": (
        "Nenhuma imagem legível na divisão {split}.",
        "",
        "confira os arquivos com: python -m catdog data inspect DIR",
    ),
    # use/predict.py
    "run_has_no_model": (
        "O treino {run} não tem arquivo de modelo (o estado dele é {state}).",
        "",
        "escolha um treino concluído, ou espere este terminar.",
    ),
    # use/evaluate.py
    "evaluation_no_split": ("{path} tem train/, mas não tem validation/ nem test/ para avaliar.", "", ""),
    "evaluation_unknown_classes": (
        {"one": "{folder} tem uma pasta de classe, {unknown}, que o modelo não conhece.",
         "other": "{folder} tem {count} pastas de classe, {unknown}, que o modelo não conhece."},
        "pastas com os nomes das classes do modelo: {classes}",
        "",
    ),
    "evaluation_no_images": ("{folder} não tem imagens em pastas chamadas {classes}.", "", ""),
    "evaluation_unreadable": ("Nenhuma das {count} imagens em {folder} pôde ser lida.", "", ""),
    # webui/loaders.py
    "run_deleted": ("O treino {run} foi apagado enquanto você o olhava.", "", "escolha outro treino na barra lateral."),
    # inside/featuremap.py, inside/anatomy.py
    "no_photos_to_map": ("Nenhuma das {count} fotos do conjunto pôde ser lida.", "fotos JPEG ou PNG legíveis",
                         "confira o conjunto na página Dados."),
    "unknown_map_method": ("Método de mapa desconhecido {method!r}.", "um destes: {allowed}", ""),
    "too_few_photos_to_map": ({"one": "Uma classe tem {count} foto: poucas demais para medir como as classes se "
                                      "separam.",
                               "other": "Uma classe tem {count} fotos: poucas demais para medir como as classes se "
                                        "separam."}, "pelo menos {minimum} fotos em cada uma de duas classes",
                              "adicione fotos, ou escolha outro conjunto."),
    "unknown_preprocessing": ("Pré-processamento desconhecido {preprocessing!r}.", "um destes: {allowed}",
                              '"backbone" usa o preprocess_input da própria rede; "rescale" é o erro clássico.'),
    "unknown_layer": ("O modelo não tem a camada {name!r}.", "uma destas: {allowed}", ""),
    # classroom/collect.py
    "dataset_name_refused": (
        "'{name}' não pode ser o nome de um conjunto de dados.",
        "até {length} letras, algarismos, espaços e - _ . ( ) ' + , &, sem começar com . _ ou -, "
        "sem caracteres invisíveis, e nenhum destes: {reserved}",
        "escolha outro nome.",
    ),
    "class_name_refused": (
        "'{name}' não pode ser o nome de uma classe.",
        "até {length} letras, algarismos, espaços e - _ . ( ) ' + , &, sem começar com . _ ou -, "
        "sem caracteres invisíveis, e nenhum destes: {reserved}",
        "escolha outro nome.",
    ),
    "entry_name_refused": (
        "O zip tem um arquivo ou pasta chamado '{name}', que não pode ser guardado.",
        "nomes sem caracteres invisíveis nem barras, sem começar com . ou _, de no máximo 200 bytes",
        "renomeie-o e compacte a pasta de novo.",
    ),
    "class_exists": ("Já existe uma classe chamada {name}.", "", "escolha outro nome."),
    "class_not_found": ("Não há classe chamada {name}.", "uma destas: {allowed}", ""),
    "too_many_classes": ("{count} classes são mais do que o catdog aceita em um conjunto.", "no máximo {limit}", ""),
    "collection_not_found": ("Não há conjunto em preparação chamado {name}.", "", "escolha um dos listados."),
    "not_your_collection": ("O conjunto de dados {dataset} é de {owner}: só essa pessoa e o professor podem "
                            "alterá-lo.", "", "crie o seu próprio conjunto."),
    "photo_too_big": ("{name} tem {mb} MB.", "no máximo {limit_mb} MB por foto", "envie uma foto menor."),
    "too_many_photos": ("Mais {count} fotos não cabem neste conjunto: cabem mais {room}.",
                        "no máximo {limit} fotos em um conjunto", "adicione menos fotos, ou remova algumas."),
    "photo_not_found": ("Não há foto {name} na classe {label}.", "", "talvez ela já tenha sido removida."),
    "too_few_classes": ({"one": "O conjunto tem {count} classe.", "other": "O conjunto tem {count} classes."},
                        "pelo menos {minimum}", "adicione uma classe."),
    "too_few_photos": ("Algumas classes têm poucas fotos para treinar; fotos que ainda faltam: {missing}.",
                       "pelo menos {minimum} fotos em cada classe", "adicione fotos a essas classes."),
    "collection_busy": ("Um treino na fila ou em andamento usa o conjunto de dados {dataset}.", "",
                        "espere ele terminar, ou cancele-o na página Treinar, e tente de novo."),
}


def render(error: CatdogError, language: str) -> tuple[str, str, str]:
    """(what, expected, fix) of `error` in `language` ("en" or "pt"); "" where a part is absent."""
    if language.lower().startswith("pt") and error.key in PT:
        params = dict(error.params)
        if "state" in params:  # a run_state.State, which the page catalogue translates
            params["state"] = S.get(f"state.{params['state']}", {}).get("pt", params["state"])
        return fill(error.key, PT[error.key], params, FORMATTERS["pt"])
    return error.what, error.expected, error.fix


def show_error(error: Exception) -> None:
    """A CatdogError as what happened / expected / how to fix it, in the reader's language;
    anything else (a bug) with its type."""
    if isinstance(error, CatdogError):
        st.error(error_text(error), icon=":material/error:")
    else:
        st.error(own_lines(f"{type(error).__name__}: {error}"), icon=":material/error:")


def error_text(error: CatdogError) -> str:
    """What happened, what was expected and how to fix it, as markdown with each on its own line.
    A fix that is a terminal command is left out for a student of a class server (no terminal there)."""
    what, expected, fix = render(error, language())
    if "python -m catdog" in fix and not st.session_state.get(SEES_SERVER, True):
        fix = ""
    parts = [what]
    if expected:
        parts.append(f"**{t('error.expected')}:** {expected}")
    if fix:
        parts.append(f"**{t('error.fix')}:** {fix}")
    return own_lines("\n".join(parts))


def own_lines(text: str) -> str:
    """Each line of `text` a paragraph of its own: markdown joins lines that a single newline
    separates, which ran "...or TIFF" and "Fix: ..." together (a reason from PIL may hold one too)."""
    return "\n\n".join(line for line in text.splitlines() if line.strip())
