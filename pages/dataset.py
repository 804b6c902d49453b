"""Dataset: what is in the photos before any model sees them (sizes, colours, oddities)."""

import pandas as pd
import plotly.express as px
import streamlit as st

from catdog.errors import CatdogError
from webui.error_text import render
from webui.feedback import show_error
from webui.identity import current, shown_path
from webui.loaders import folder_stamp, inspect_dataset, thumbnail_png
from webui.navigation import need_dataset, page_start
from webui.text import language, t

PAGE_SIZE = 24

page_start("dataset")
dataset = need_dataset()

try:
    with st.spinner(t("data.reading", name=dataset.name)):
        report = inspect_dataset(str(dataset), folder_stamp(dataset))
except CatdogError as error:
    show_error(error)
    st.stop()
who = current()
table = pd.DataFrame(report["images"])
if table.empty:
    st.warning(t("data.empty", path=shown_path(dataset, who)))
    st.stop()
good = table[table["error"].isna()].copy()
good["split"] = good["split"].map(lambda name: t(f"split.{name}"))
LABELS = {"split": t("fig.split"), "photos": t("fig.photos"), "label": t("fig.class"), "width": t("fig.width"),
          "height": t("fig.height"), "aspect": t("fig.aspect"), "count": t("fig.count")}
st.caption(t("data.summary", path=shown_path(dataset, who), count=len(good), classes=good["label"].nunique()))

counts = good.groupby(["split", "label"]).size().reset_index(name="photos")
st.plotly_chart(px.bar(counts, x="split", y="photos", color="label", barmode="group", text="photos",
                       labels=LABELS, title=t("data.per_class")), key="counts")

st.subheader(t("data.browse"))
left, middle, right = st.columns(3)
split = left.selectbox(t("data.split"), sorted(good["split"].unique()))
label = middle.selectbox(t("data.class"), sorted(good["label"].unique()))
chosen = good[(good["split"] == split) & (good["label"] == label)].reset_index(drop=True)
pages = max(1, -(-len(chosen) // PAGE_SIZE))
page = right.number_input(t("data.page", pages=pages), 1, pages, 1)
grid = st.columns(6)
for i, row in chosen.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].iterrows():
    with grid[i % 6]:
        st.image(thumbnail_png(row["path"]), width="stretch")
        with st.popover(f"{row['width']}x{row['height']}", width="stretch"):
            st.image(row["path"], caption=t("data.large", path=shown_path(row["path"], who), width=row["width"],
                                            height=row["height"], mode=row["mode"], kb=round(row["bytes"] / 1000)))

st.subheader(t("data.sizes"))
st.caption(t("data.sizes_note"))
good["aspect"] = good["width"] / good["height"]
good["file"] = good["path"].map(lambda path: shown_path(path, who))  # a student sees the file name only
a, b = st.columns(2)
a.plotly_chart(px.scatter(good, x="width", y="height", color="label", opacity=0.5, hover_data=["file"],
                          labels=LABELS, title=t("data.scatter")), key="sizes")
b.plotly_chart(px.histogram(good, x="aspect", color="label", nbins=40, barmode="overlay", labels=LABELS,
                            title=t("data.aspect")).update_yaxes(title_text=t("fig.count")), key="aspect")
modes = good.groupby("mode").size().reset_index(name="photos")
st.caption(t("data.modes", modes=", ".join(f"{m} ({n})" for m, n in zip(modes["mode"], modes["photos"]))))

st.subheader(t("data.bad"))
if report["bad_files"]:
    st.warning(t("data.bad_count", count=len(report["bad_files"])))
    st.dataframe(pd.DataFrame([{t("col.file"): bad["path"], t("col.reason"): render(bad["cause"], language())[0]}
                               for bad in report["bad_files"]]), hide_index=True)
else:
    st.success(t("data.all_good"))
