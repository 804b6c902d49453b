"""Dataset: what is in the photos before any model sees them (sizes, colours, oddities)."""

import pandas as pd
import plotly.express as px
import streamlit as st

import ui

PAGE_SIZE = 24

st.title("Look at the data")
dataset = ui.active_dataset()
if dataset is None:
    st.info("No dataset yet: get one on the Home page.")
    st.page_link("app_pages/home.py", label="Go to Home", icon=":material/home:")
    st.stop()

with st.spinner(f"Reading {dataset.name} (once; cached afterwards)..."):
    report = ui.inspect_dataset(str(dataset), ui.folder_stamp(dataset))
table = pd.DataFrame(report["images"])
if table.empty:
    st.warning(f"{dataset} holds no image files in class folders.")
    st.stop()
good = table[table["error"].isna()].copy()
st.caption(f"{dataset}: {len(good)} readable photos in {good['label'].nunique()} classes.")

counts = good.groupby(["split", "label"]).size().reset_index(name="photos")
st.plotly_chart(px.bar(counts, x="split", y="photos", color="label", barmode="group", text="photos",
                       title="Photos per class and split"), key="counts")

st.subheader("Browse")
left, middle, right = st.columns(3)
split = left.selectbox("Split", sorted(good["split"].unique()))
label = middle.selectbox("Class", sorted(good["label"].unique()))
chosen = good[(good["split"] == split) & (good["label"] == label)].reset_index(drop=True)
pages = max(1, -(-len(chosen) // PAGE_SIZE))
page = right.number_input(f"Page (of {pages})", 1, pages, 1)
grid = st.columns(6)
for i, row in chosen.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].iterrows():
    with grid[i % 6]:
        st.image(ui.thumbnail_png(row["path"]), width="stretch")
        with st.popover(f"{row['width']}x{row['height']}", width="stretch"):
            st.image(row["path"], caption=f"{row['path']} - {row['width']} x {row['height']}, mode "
                                          f"{row['mode']}, {row['bytes'] / 1000:.0f} kB")

st.subheader("Sizes and shapes")
st.caption("Every photo is resized to the network's square input: very wide or tiny photos get distorted.")
good["aspect ratio"] = good["width"] / good["height"]
a, b = st.columns(2)
a.plotly_chart(px.scatter(good, x="width", y="height", color="label", opacity=0.5, hover_data=["path"],
                          title="Width x height (pixels)"), key="sizes")
b.plotly_chart(px.histogram(good, x="aspect ratio", color="label", nbins=40, barmode="overlay",
                            title="Aspect ratio (width / height)"), key="aspect")
modes = good.groupby("mode").size().reset_index(name="photos")
st.caption("Colour modes: " + ", ".join(f"{m} ({n})" for m, n in zip(modes["mode"], modes["photos"])))

st.subheader("Files that cannot be read")
if report["bad_files"]:
    st.warning(f"{len(report['bad_files'])} file(s) will be skipped in training:")
    st.dataframe(pd.DataFrame(report["bad_files"]), hide_index=True)
else:
    st.success("Every file decodes.")
