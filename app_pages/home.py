"""Home: what catdog does, the steps in order, and getting a first dataset."""

import streamlit as st

import ui
from catdog import archive, data
from catdog.config import data_root, limits
from catdog.errors import CatdogError

st.title("catdog: teach a computer to tell cats from dogs")
st.markdown(
    "catdog takes a network already trained on millions of photos (**transfer learning**) and "
    "teaches it a new question, *cat or dog?*, from a few thousand examples. Work through the "
    "steps in the sidebar, in order:")
steps = [
    ("app_pages/dataset.py", "1. Get data and look at it", "sizes, colours, and photos that cannot be read"),
    ("app_pages/augment.py", "2. Augment", "see how rotating, zooming and flipping makes more training photos"),
    ("app_pages/train.py", "3. Train", "launch a job in the background and watch it learn"),
    ("app_pages/curves.py", "4. Inspect the curves", "training vs validation accuracy, and overfitting"),
    ("app_pages/predict.py", "5. Predict", "upload your own photo and see the probabilities"),
]
for page, label, detail in steps:
    st.page_link(page, label=f"**{label}**: {detail}")

datasets = ui.list_datasets()
st.divider()
if datasets:
    st.success(f"{len(datasets)} dataset(s) ready in {data_root()}: {', '.join(d.name for d in datasets)}.")
else:
    st.info(f"No dataset yet. Get one of these ways (datasets live under `{data_root()}`).")
with st.expander("Get a dataset", expanded=not datasets):
    left, right = st.columns(2)
    with left:
        st.subheader("The sample photos")
        st.caption("3000 photos of cats and dogs from the TensorFlow tutorial (68 MB download).")
        if st.button("Download the sample dataset", icon=":material/download:"):
            bar = st.progress(0.0, text="Downloading...")
            report = lambda done, total: bar.progress(done / total if total else 0.0,
                                                      text=f"Downloading {done / 1e6:.0f} of {total / 1e6:.0f} MB")
            try:
                path = data.download_sample(progress=report)
                bar.progress(1.0, text="Done")
                st.success(f"Ready: {path}")
            except CatdogError as error:
                ui.show_error(error)
    with right:
        st.subheader("Your own photos")
        st.caption("A zip holding train/ and validation/ with one folder per class, "
                   "or just one folder per class.")
        upload = st.file_uploader("Dataset zip", type=["zip"], max_upload_size=limits().max_upload_mb)
        name = st.text_input("Name for the dataset", value="my_photos")
        if upload and st.button("Import the zip", icon=":material/upload:"):
            try:
                with st.spinner("Checking and extracting..."):
                    report = archive.import_zip(upload, name)
                st.success(f"Imported {report['images']} photos of {', '.join(report['class_names'])}.")
                if report["skipped"]:
                    st.warning(f"Skipped {len(report['skipped'])} file(s) that are not images: "
                               + ", ".join(report["skipped"][:10]))
            except CatdogError as error:
                ui.show_error(error)
    st.caption(f"Or copy a folder into `{data_root().resolve()}` and reload the page.")
