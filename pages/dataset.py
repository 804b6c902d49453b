"""Dataset: what is in the photos before any model sees them (sizes, colours, oddities)."""

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

from catdog.errors import CatdogError
from webui.charts import class_colours, numbers_in_language
from webui.error_text import render, show_error
from webui.identity import current, sees_server, shown_path
from webui.loaders import folder_stamp, inspect_dataset, photo_table, thumbnail_jpeg
from webui.navigation import need_dataset, page_start
from webui.text import language, t

PAGE_SIZE = 24


def bad_file_row(bad: dict) -> dict:
    """An unreadable file: why, what was expected and how to fix it, each in its own column. A
    student sees the file's name, not where it lives on the server, in the message too."""
    file = shown_path(bad["path"], who)
    cause = bad["cause"]
    if "name" in cause.params:
        cause = CatdogError(cause.key, **{**cause.params, "name": file})
    what, expected, fix = render(cause, language())
    return {t("col.file"): file, t("col.reason"): what, t("error.expected"): expected or "-",
            t("error.fix"): fix or "-"}


@st.cache_resource(max_entries=20, show_spinner=False)
def charts(path: str, stamp: float, lang: str, whole_paths: bool) -> list:
    """The page's three charts, built once per dataset version, language and kind of reader
    (plotly took ~0.2 s a rerun to build them). `lang` is the cache's key only: `t` reads the
    same language from the session. Shared figures: Streamlit only reads them."""
    table = photo_table(path, stamp)
    good = table[table["error"].isna()].copy()
    good["split"] = good["split"].map(lambda name: t(f"split.{name}"))
    good["file"] = good["path"] if whole_paths else good["path"].map(lambda p: Path(p).name)  # as shown_path
    labels = {"split": t("fig.split"), "photos": t("fig.photos"), "label": t("fig.class"), "width": t("fig.width"),
              "height": t("fig.height"), "aspect": t("fig.aspect"), "count": t("fig.count")}
    # Each class in its own colour, the same in every chart (and as on Predict); taken from every file,
    # readable or not, so that a class's colour does not change when its photos cannot be read.
    names = sorted(table["label"].unique())
    colours = {"color": "label", "color_discrete_map": class_colours(names), "category_orders": {"label": names}}
    counts = good.groupby(["split", "label"]).size().reset_index(name="photos")
    figures = [px.bar(counts, x="split", y="photos", barmode="group", text="photos", labels=labels,
                      title=t("data.per_class"), **colours),
               px.scatter(good, x="width", y="height", opacity=0.5, hover_data=["file"], labels=labels,
                          title=t("data.scatter"), **colours),
               px.histogram(good, x="aspect", nbins=40, barmode="group", labels=labels, title=t("data.aspect"),
                            **colours).update_yaxes(title_text=t("fig.count"))]
    return [numbers_in_language(figure) for figure in figures]  # an aspect of 1,33 in Portuguese


def browse(good: pd.DataFrame) -> None:
    """The photo grid. A fragment: choosing a split, class or page redraws this grid only, not
    the charts and table around it."""
    left, middle, right = st.columns(3)
    split = left.selectbox(t("data.split"), sorted(good["split"].unique()), format_func=lambda s: t(f"split.{s}"))
    label = middle.selectbox(t("data.class"), sorted(good["label"].unique()))
    chosen = good[(good["split"] == split) & (good["label"] == label)].reset_index(drop=True)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = right.number_input(t("data.page", pages=pages), 1, pages, 1)
    grid = st.columns(6)
    for i, row in chosen.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].iterrows():
        with grid[i % 6]:
            st.image(thumbnail_jpeg(row["path"]), width="stretch")
            with st.popover(f"{row['width']}x{row['height']}", width="stretch"):
                st.image(row["path"], caption=t("data.large", path=shown_path(row["path"], who), width=row["width"],
                                                height=row["height"], mode=row["mode"], kb=round(row["bytes"] / 1000)))


page_start("dataset")
dataset = need_dataset()

try:
    with st.spinner(t("data.reading", name=dataset.name)):
        stamp = folder_stamp(dataset)
        report = inspect_dataset(str(dataset), stamp)
except CatdogError as error:
    show_error(error)
    st.stop()
who = current()
table = photo_table(str(dataset), stamp)
if table.empty:
    st.warning(t("data.empty", path=shown_path(dataset, who)))
    st.stop()
good = table[table["error"].isna()]
st.caption(t("data.summary", path=shown_path(dataset, who), count=len(good), classes=good["label"].nunique()))
counts, sizes, aspect = charts(str(dataset), stamp, language(), sees_server(who))
st.plotly_chart(counts, key="counts")

st.subheader(t("data.browse"))
st.fragment(browse)(good)

st.subheader(t("data.sizes"))
st.caption(t("data.sizes_note"))
a, b = st.columns(2)
a.plotly_chart(sizes, key="sizes")
b.plotly_chart(aspect, key="aspect")
modes = good.groupby("mode").size().reset_index(name="photos")
st.caption(t("data.modes", modes=", ".join(f"{m} ({n})" for m, n in zip(modes["mode"], modes["photos"]))))

st.subheader(t("data.bad"))
if report["bad_files"]:
    st.warning(t("data.bad_count", count=len(report["bad_files"])))
    st.dataframe(pd.DataFrame([bad_file_row(bad) for bad in report["bad_files"]]), hide_index=True)
else:
    st.success(t("data.all_good"))
