"""Augmentation: see what each random transform does to a photo, then train with it."""

import dataclasses
import random

import numpy as np
import streamlit as st

from catdog.data import augment, images
from catdog.errors import CatdogError
from webui.error_text import show_error
from webui.loaders import dataset_files, folder_stamp, model_pixels
from webui.navigation import explain_page, page, page_start
from webui.sidebar import active_dataset
from webui.sliders import number_slider
from webui.text import t
from webui.uploads import file_uploader

SIZE = 224
CONTROLS = {  # field: (largest value, step); labels and reasons live in the catalogue
    "rotation": (45.0, 1.0), "width_shift": (0.4, 0.05), "height_shift": (0.4, 0.05), "shear": (0.4, 0.05),
    "zoom": (0.5, 0.05), "brightness": (0.5, 0.05), "contrast": (0.8, 0.05), "saturation": (0.9, 0.05),
    "hue": (0.2, 0.01), "erasing": (1.0, 0.05), "grayscale": (1.0, 0.05),
}

page_start("augment", explain=False)
st.markdown(t("aug.intro"))
explain_page("augment")


def load_preset():
    for key, value in dataclasses.asdict(augment.preset(st.session_state["preset"])).items():
        st.session_state[f"aug_{key}"] = value


def new_draw():
    """A new seed into the box before the page runs again, so the grid drawn is the box's seed's
    (set after the box was drawn, the box showed the previous seed: one draw behind)."""
    st.session_state["aug_seed_box"] = random.randrange(10**6)


if "aug_rotation" not in st.session_state:
    st.session_state["preset"] = "seed recipe"
    load_preset()

dataset = active_dataset()
with st.sidebar:
    st.selectbox(t("aug.preset"), list(augment.PRESETS), key="preset", on_change=load_preset,
                 format_func=lambda name: t(f"preset.{name}"))
    values = {key: number_slider(t(f"aug.{key}"), top, step, key=f"aug_{key}", help=t(f"aug.{key}_why"),
                                 digits=0 if step >= 1 else len(f"{step:g}".split(".")[1]))
              for key, (top, step) in CONTROLS.items()}
    values["horizontal_flip"] = st.checkbox(t("aug.hflip"), key="aug_horizontal_flip", help=t("aug.hflip_why"))
    values["vertical_flip"] = st.checkbox(t("aug.vflip"), key="aug_vertical_flip", help=t("aug.vflip_why"))
    values["fill_mode"] = st.selectbox(t("aug.fill"), augment.FILL_MODES, key="aug_fill_mode", help=t("aug.fill_why"),
                                       format_func=lambda mode: t(f"fill.{mode}"))
config = augment.AugmentConfig(**values)

sources = {"dataset": t("aug.from_dataset"), "upload": t("aug.upload")}
source = st.radio(t("aug.source"), list(sources), format_func=sources.get, horizontal=True)
photo = None
if source == "upload":
    photo = file_uploader(t("aug.source"), ["jpg", "jpeg", "png", "webp", "bmp", "gif"])
elif dataset is not None:
    try:
        loaded = dataset_files(str(dataset), folder_stamp(dataset))
    except CatdogError as error:  # e.g. a folder with one class: say so, the upload still works
        show_error(error)
        st.stop()
    paths = loaded.train.paths
    index = st.number_input(t("aug.number", count=len(paths)), 0, len(paths) - 1, 0)
    photo = paths[index]
if photo is None:
    st.info(t("aug.choose"))
    st.stop()

left, right = st.columns([1, 3])
if "aug_seed_box" not in st.session_state:  # a widget's state goes when its page is left; "aug_seed" stays
    st.session_state["aug_seed_box"] = st.session_state.get("aug_seed", 0)
seed = st.session_state["aug_seed"] = int(left.number_input(t("aug.seed"), 0, 10**6, key="aug_seed_box"))
left.button(t("aug.new_draw"), icon=":material/casino:", on_click=new_draw, key="new_draw")
try:
    # The first time after a server start TensorFlow may still be starting (webui.startup warms it):
    # say so where the grid will be, rather than show the original alone for seconds.
    with right, st.spinner(t("aug.drawing")):
        original = model_pixels(photo if isinstance(photo, str) else photo.getvalue(), SIZE)
        grid = augment.augment_batch(np.repeat(original[None], 12, axis=0), config, seed=seed).numpy()
except CatdogError as error:
    show_error(error)
    st.stop()
left.image(original, caption=t("aug.original"))
columns = right.columns(4)
for i, picture in enumerate(grid.astype(np.uint8)):
    columns[i % 4].image(picture, caption=t("aug.draw", n=i + 1))

if st.button(t("aug.use"), type="primary", icon=":material/check:", key="use_for_training"):
    st.session_state["augmentation"] = config
    st.session_state["augmentation_preset"] = "playground"  # the Train form's choice: these settings
    st.success(t("aug.saved"))
    st.page_link(page("train"), label=t("common.go_train"))

if source == "dataset" and st.toggle(t("aug.batch")):
    split = loaded.train
    picks = random.Random(seed).sample(range(len(split.paths)), min(16, len(split.paths)))
    readable = []
    for i in picks:  # an unreadable photo is left out of the preview, not a crash
        try:
            readable.append((images.load_for_model(split.paths[i], SIZE), loaded.class_names[split.labels[i]]))
        except CatdogError:
            continue
    shown = augment.augment_batch(np.stack([pixels for pixels, _ in readable]), config, seed=seed)
    columns = st.columns(8)
    for i, (picture, (_, name)) in enumerate(zip(shown.numpy().astype(np.uint8), readable)):
        columns[i % 8].image(picture, caption=name)
