"""Augmentation: see what each random transform does to a photo, then train with it."""

import dataclasses
import random

import numpy as np
import streamlit as st

import ui
from catdog import augment, data, images
from catdog.config import limits
from catdog.errors import CatdogError

SIZE = 224
CONTROLS = {  # field: (label, max, step, why it helps / when it hurts)
    "rotation": ("Rotation (degrees)", 45.0, 1.0, "Pets are photographed at slight angles; large angles make unnatural photos."),
    "width_shift": ("Horizontal shift", 0.4, 0.05, "The animal is not always centred."),
    "height_shift": ("Vertical shift", 0.4, 0.05, "Same, up and down."),
    "shear": ("Shear", 0.4, 0.05, "Slants the photo, like a different camera angle."),
    "zoom": ("Zoom", 0.5, 0.05, "Near and far animals; too much crops the animal out."),
    "brightness": ("Brightness", 0.5, 0.05, "Indoor, outdoor, flash and shade."),
    "contrast": ("Contrast", 0.8, 0.05, "Washed-out or punchy photos."),
    "saturation": ("Saturation", 0.9, 0.05, "Colour strength varies between cameras."),
    "hue": ("Hue", 0.2, 0.01, "Shifts all colours; too much makes green cats."),
    "erasing": ("Random erasing (probability)", 1.0, 0.05, "Hides a patch, so the model cannot rely on one detail."),
    "grayscale": ("Grayscale (probability)", 1.0, 0.05, "Makes the model use shape, not only colour."),
}

st.title("Data augmentation")
st.markdown("Each epoch, every training photo is changed at random, so the model sees *new* photos and "
            "learns the animal rather than memorising the pixels. The same function makes these previews "
            "and the training batches: what you see is what the model gets.")


def load_preset():
    for key, value in dataclasses.asdict(augment.preset(st.session_state["preset"])).items():
        st.session_state[f"aug_{key}"] = value


if "aug_rotation" not in st.session_state:
    st.session_state["preset"] = "seed recipe"
    load_preset()

dataset = ui.active_dataset()
with st.sidebar:
    st.selectbox("Start from a preset", list(augment.PRESETS), key="preset", on_change=load_preset)
    values = {key: st.slider(label, 0.0, top, step=step, key=f"aug_{key}", help=why)
              for key, (label, top, step, why) in CONTROLS.items()}
    values["horizontal_flip"] = st.checkbox("Horizontal flip", key="aug_horizontal_flip",
                                            help="A cat facing left is still a cat.")
    values["vertical_flip"] = st.checkbox("Vertical flip", key="aug_vertical_flip",
                                          help="Usually wrong for pets: upside-down cats are rare in photos.")
    values["fill_mode"] = st.selectbox("Fill mode", augment.FILL_MODES, key="aug_fill_mode",
                                       help="How the corners uncovered by rotating or shifting are filled.")
config = augment.AugmentConfig(**values)

source = st.radio("Photo", ["from the dataset", "upload one"], horizontal=True)
photo = None
if source == "upload one":
    photo = st.file_uploader("Photo", type=["jpg", "jpeg", "png", "webp", "bmp", "gif"],
                             max_upload_size=limits().max_upload_mb)
elif dataset is not None:
    paths = data.load_dataset(dataset).train.paths
    index = st.number_input(f"Photo number (of {len(paths)})", 0, len(paths) - 1, 0)
    photo = paths[index]
if photo is None:
    st.info("Choose a dataset on the Home page, or upload a photo.")
    st.stop()

left, right = st.columns([1, 3])
seed = left.number_input("Seed (same seed, same draw)", 0, 10**6, st.session_state.get("aug_seed", 0))
if left.button("New random draw", icon=":material/casino:"):
    seed = random.randrange(10**6)
st.session_state["aug_seed"] = seed
try:
    original = images.load_for_model(photo, SIZE)
except CatdogError as error:
    ui.show_error(error)
    st.stop()
left.image(original, caption="original")
grid = augment.augment_batch(np.repeat(original[None], 12, axis=0), config, seed=int(seed)).numpy()
columns = right.columns(4)
for i, picture in enumerate(grid.astype(np.uint8)):
    columns[i % 4].image(picture, caption=f"draw {i + 1}")

if st.button("Use these settings for training", type="primary", icon=":material/check:", key="use_for_training"):
    st.session_state["augmentation"] = config
    st.success("Saved: the Train page now offers 'from the Augmentation page'.")
    st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")

if dataset is not None and st.toggle("Show one whole training batch as the model sees it"):
    split = data.load_dataset(dataset).train
    picks = random.Random(int(seed)).sample(range(len(split.paths)), min(16, len(split.paths)))
    batch = np.stack([images.load_for_model(split.paths[i], SIZE) for i in picks])
    shown = augment.augment_batch(batch, config, seed=int(seed)).numpy().astype(np.uint8)
    columns = st.columns(8)
    for i, picture in enumerate(shown):
        columns[i % 8].image(picture, caption=data.load_dataset(dataset).class_names[split.labels[picks[i]]])
