"""Inside the network: the feature space (why transfer learning works), the model's anatomy, a photo's
feature maps and what preprocessing does to the pixels, one tab each; only the open tab runs."""

import os

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from catdog import jobs
from catdog.config import TrainConfig, allowed_backbones
from catdog.errors import CatdogError
from catdog.inside import anatomy, experiments, featuremap
from catdog.network import backbones, weights
from catdog.run_state import State
from catdog.settings import models_root
from webui.charts import feature_map_figure, histogram_figure
from webui.error_text import show_error
from webui.identity import current
from webui.loaders import (
    current_runs,
    dataset_files,
    evaluation,
    folder_stamp,
    listed_runs,
    model_pixels,
    model_version,
)
from webui.navigation import page, page_start
from webui.sidebar import active_dataset, selected_run
from webui.text import explainer, language, number, t
from webui.uploads import file_uploader

TABS = ("space", "anatomy", "maps", "pre")


def pretrained_here() -> list[str]:
    """The allowed backbones whose ImageNet weights are on this machine: maps never wait for a download."""
    return [name for name in allowed_backbones()
            if backbones.REGISTRY[name].pretrained and weights.weights_status(name).state == "ready"]


@st.cache_resource(max_entries=16, show_spinner=False)
def mapped(backbone: str, weights_kind: str, folder: str, stamp: float, method: str) -> featuremap.FeatureMap:
    """A dataset's map through one network, once per server (`stamp` changes when the photos do)."""
    return featuremap.feature_map(featuremap.network_config(backbone, weights_kind), folder, models_root(), method)


@st.cache_resource(max_entries=4, show_spinner=False)
def network(backbone: str, weights_kind: str):
    """The frozen network, built once, for feature maps."""
    from catdog.network.model import build_model

    return build_model(featuremap.network_config(backbone, weights_kind), num_classes=2)


@st.cache_resource(max_entries=16, show_spinner=False)
def layer_rows(config: TrainConfig, num_classes: int) -> list[anatomy.LayerRow]:
    return anatomy.layer_table(config, num_classes)


def mistakes(run_id: str | None, folder: str) -> set[str]:
    """The photos the chosen run gets wrong (its evaluation, cached per model version)."""
    run = next((r for r in current_runs() if r.id == run_id), None)
    if run is None:
        return set()
    return {photo.path for photo in evaluation(str(run.path), model_version(run), folder).misclassified}


def show_map(column, result: featuremap.FeatureMap, title: str, marked: set[str], run_id: str | None) -> None:
    column.subheader(title)
    left, right = column.columns(2)
    left.metric(t("inside.probe"), number(result.full.probe_accuracy, ".1%"), help=t("inside.probe_help"))
    right.metric(t("inside.silhouette"), number(result.full.silhouette, ".2f"), help=t("inside.silhouette_help"))
    chosen = column.plotly_chart(feature_map_figure(result, marked, t("inside.marked", run=run_id)),
                                 on_select="rerun", selection_mode="points", key=f"map-{result.weights}")
    column.caption(t("inside.map_caption", photos=len(result.paths), dimensions=result.dimensions,
                     seconds=number(result.seconds, ".1f"), probe=number(result.flat.probe_accuracy, ".1%"),
                     silhouette=number(result.flat.silhouette, ".2f")))
    points = (chosen or {}).get("selection", {}).get("points", [])
    if points:
        index = int(points[0]["customdata"])
        label = result.class_names[result.labels[index]]
        column.image(result.paths[index], width=240,
                     caption=t("inside.clicked", name=os.path.basename(result.paths[index]), label=label))


def feature_space(dataset) -> None:
    explainer("inside.space_explain")
    ready = pretrained_here()
    if dataset is None or not ready:
        st.info(t("common.no_dataset") if dataset is None else t("inside.no_weights"))
        return
    tiny = experiments.lesson_backbone(tuple(ready))
    a, b, c = st.columns(3)
    backbone = a.selectbox(t("inside.backbone"), ready, index=ready.index(tiny) if tiny in ready else 0,
                           format_func=lambda name: t(f"backbone.{name}"))
    method = b.radio(t("inside.method"), featuremap.METHODS, horizontal=True,
                     format_func=lambda name: t(f"inside.method_{name}"))
    on_dataset = [r.id for r in current_runs() if r.state == State.DONE and r.has_model
                  and os.path.realpath(r.config.data_dir) == os.path.realpath(dataset)]
    run_id = c.selectbox(t("inside.mark_run"), [None, *on_dataset],
                         format_func=lambda run: t("inside.no_run") if run is None else run)
    if not st.session_state.get("inside_drawn") and not st.button(t("inside.draw"), type="primary", key="draw"):
        st.caption(t("inside.click"))
        return
    st.session_state["inside_drawn"] = True
    try:
        with st.spinner(t("inside.drawing")):
            stamp = folder_stamp(dataset)
            maps = [mapped(backbone, kind, str(dataset), stamp, method) for kind in ("imagenet", "none")]
            marked = mistakes(run_id, str(dataset)) if run_id else set()
    except CatdogError as error:
        show_error(error)
        return
    for column, result, title in zip(st.columns(2), maps, (t("inside.pretrained"), t("inside.random"))):
        show_map(column, result, title, marked, run_id)
    st.caption(t("inside.click"))


def count(whole: int) -> str:
    """A whole number with its thousands marked as the reader's language does (219,058 / 219.058)."""
    return number(whole, ",")


def counted(keys) -> dict:
    """Whole-number columns with their thousands marked (219.058 in a Portuguese browser): Streamlit's
    "localized" format, which keeps them numbers, so that they still sort as numbers."""
    return {t(key): st.column_config.NumberColumn(t(key), format="localized") for key in keys}


def anatomy_tab() -> None:
    explainer("inside.anatomy_explain")
    run = selected_run()
    if run is not None:
        config, classes = run.config, len(run.class_names)
        st.markdown(t("inside.anatomy_of", run=run.id, backbone=t(f"backbone.{config.backbone}"),
                      size=config.image_size, classes=classes))
    else:
        config, classes = TrainConfig(backbone=experiments.lesson_backbone(allowed_backbones())), 2
        st.caption(t("inside.anatomy_default", backbone=t(f"backbone.{config.backbone}"), size=config.image_size))
    rows = layer_rows(config, classes)
    a, b, c = st.columns(3)
    a.metric(t("inside.total"), count(sum(r.parameters for r in rows)))
    b.metric(t("inside.phase1"), count(sum(r.trainable_phase1 for r in rows)))
    c.metric(t("inside.phase2"), count(sum(r.trainable_phase2 for r in rows)))
    st.dataframe(pd.DataFrame([{
        t("col.layer"): t("inside.block", number=r.name) if r.part == "backbone" else r.name,
        t("col.part"): t(f"part.{r.part}"), t("col.layers"): r.layers,
        t("col.output"): " x ".join(map(str, r.output_shape)), t("col.parameters"): r.parameters,
        t("col.phase1"): r.trainable_phase1, t("col.phase2"): r.trainable_phase2, t("col.kinds"): r.kinds}
        for r in rows]), hide_index=True, column_config=counted(("col.parameters", "col.phase1", "col.phase2")))
    shape = next(r.output_shape for r in reversed(rows) if r.part == "backbone")
    st.subheader(t("inside.heads", shape=" x ".join(map(str, shape))))
    st.dataframe(pd.DataFrame([{
        t("col.head"): t(f"inside.head_{cost.pooling}") + (t("inside.head_dense", units=cost.dense_units)
                                                            if cost.dense_units else ""),
        t("col.parameters"): cost.parameters} for cost in anatomy.head_costs(shape, classes)]), hide_index=True,
        column_config=counted(("col.parameters",)))


def chosen_photo(dataset, key: str):
    """A photo of the active dataset by number, or an upload; its path or bytes, or None."""
    upload = file_uploader(t("inside.upload"), ["jpg", "jpeg", "png", "webp", "bmp"], key=f"upload-{key}")
    if upload is not None:
        return upload.getvalue()
    if dataset is None:
        st.info(t("common.no_dataset"))
        return None
    paths = dataset_files(str(dataset), folder_stamp(dataset)).train.paths
    return paths[st.number_input(t("inside.photo", count=len(paths)), 0, len(paths) - 1, 0, key=f"photo-{key}")]


def maps_tab(dataset) -> None:
    explainer("inside.maps_explain")
    photo = chosen_photo(dataset, "maps")
    if photo is None:
        return
    ready = pretrained_here()
    backbone = experiments.lesson_backbone(tuple(ready)) if ready else "simple_cnn"
    weights_kind = "imagenet" if ready else "none"
    st.caption(t("inside.weights_used" if ready else "inside.weights_random", backbone=t(f"backbone.{backbone}")))
    model = network(backbone, weights_kind)
    pixels = model_pixels(photo, int(model.inputs[0].shape[1]))
    left, right = st.columns([1, 3])
    left.image(pixels)
    shown = anatomy.feature_maps(model, pixels, anatomy.activation_layers(model))
    for column, activations in zip(right.columns(2) * len(shown), shown):
        height, width, channels = activations.shape
        zoom = max(1, 480 // activations.grid.shape[1])  # nearest-neighbour: each activation stays a sharp square
        picture = Image.fromarray(activations.grid).resize(
            (activations.grid.shape[1] * zoom, activations.grid.shape[0] * zoom), Image.NEAREST)
        column.image(picture, width="stretch", caption=t(
            "inside.layer_caption", layer=activations.layer, height=height, width=width, channels=channels,
            shown=min(16, channels)))


def pre_tab(dataset) -> None:
    explainer("inside.pre_explain")
    photo = chosen_photo(dataset, "pre")
    if photo is not None:
        pixels = model_pixels(photo, 224)
        left, right = st.columns([1, 2])
        left.image(pixels)
        right.plotly_chart(histogram_figure(anatomy.histograms(pixels.astype(np.float32), ("R", "G", "B")),
                                            t("inside.before")), key=f"before-{language()}")
        for column, mode in zip(st.columns(3), ("tf", "caffe", "unit")):
            after = anatomy.preprocess_pixels(pixels, mode)
            column.markdown(f"**{t(f'pre.{mode}')}**")  # above the chart, where a long title wraps
            column.plotly_chart(histogram_figure(anatomy.histograms(after, anatomy.channel_names(mode))),
                                key=f"after-{mode}-{language()}")
            column.caption(t("pre.range", low=number(after.min(), ".2f"), high=number(after.max(), ".2f"),
                             mean=number(after.mean(), ".2f")))
    st.subheader(t("inside.experiment"))
    backbone = experiments.lesson_backbone(allowed_backbones())
    st.caption(t("inside.experiment_note", backbone=t(f"backbone.{backbone}"), epochs=experiments.PREPROCESSING_EPOCHS))
    if dataset is not None and st.button(t("inside.experiment"), icon=":material/science:", key="mistake"):
        launch_mistake(TrainConfig(data_dir=str(dataset), backbone=backbone))


def launch_mistake(config: TrainConfig) -> None:
    """Queue the correct run and the 1/255 one, then open their curves side by side."""
    try:
        started = [jobs.start(each, owner=current()) for each in experiments.preprocessing_mistake(config)]
    except CatdogError as error:
        show_error(error)
        return
    finally:
        listed_runs.clear()
    st.session_state["open_runs"] = [run.id for run in started]
    st.session_state["_curves_notice"] = t("curves.launched", runs=", ".join(run.id for run in started))
    st.switch_page(page("curves"))


page_start("inside")
dataset = active_dataset()
tabs = st.tabs([t(f"inside.tab_{key}") for key in TABS], key="inside_tab", on_change="rerun")
for key, tab in zip(TABS, tabs):
    if tab.open is not False:  # only the open tab computes (None: Streamlit does not track tabs here)
        with tab:
            {"space": lambda: feature_space(dataset), "anatomy": anatomy_tab, "maps": lambda: maps_tab(dataset),
             "pre": lambda: pre_tab(dataset)}[key]()
