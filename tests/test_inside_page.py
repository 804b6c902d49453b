"""The Inside the network page: each tab renders, in both languages, and does its one job (AppTest)."""

import pytest

from webui.text import S

TABS = ("space", "anatomy", "maps", "pre")


def text(key: str, language: str = "en", **values) -> str:
    return S[key][language].format(**values) if values else S[key][language]


def open_tab(tab: str, language: str = "en"):
    """The page with `tab` open from its first run, as after a click on the tab."""
    from streamlit.testing.v1 import AppTest

    from webui.navigation import ENTRY, PAGES, ROOT

    app = AppTest.from_string(ENTRY.read_text(), default_timeout=120)
    app.session_state["_language"] = language
    app.session_state["inside_tab"] = text(f"inside.tab_{tab}", language)
    app.run()
    app.switch_page(str(ROOT / PAGES["inside"].script)).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_without_a_dataset_the_feature_space_says_what_is_missing(empty_roots):
    app = open_tab("space")
    assert [title.value for title in app.title] == [text("inside.title")]
    assert [info.value for info in app.info] == [text("common.no_dataset")]


@pytest.mark.parametrize("language", ["en", "pt"])
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders_with_its_explainer(full_roots, tab, language):
    app = open_tab(tab, language)
    assert not app.error, [e.value for e in app.error]
    assert [title.value for title in app.title] == [text("inside.title", language)]
    shown = [expander.label for expander in app.expander]
    assert shown.count(text("explain.title", language)) == 2  # the page's and the open tab's


def test_the_anatomy_counts_the_runs_trainable_weights(full_roots):
    app = open_tab("anatomy")
    tables = app.dataframe
    layers = tables[0].value
    assert list(layers[text("col.layer")])[-1] == "predictions"
    assert {metric.label: metric.value for metric in app.metric}[text("inside.phase1")] == f"{256 * 2 + 2:,}"
    heads = tables[1].value
    assert len(heads) == 4
    # Counts stay numbers (they sort as such) with their thousands marked in the reader's locale.
    import json
    formats = {name: column.get("type_config", {}).get("format") for table in tables
               for name, column in json.loads(table.proto.columns).items()}
    assert formats[text("col.parameters")] == "localized" and formats[text("col.phase1")] == "localized"


@pytest.mark.slow
def test_drawing_the_maps_shows_pretrained_and_random_side_by_side(full_roots):
    app = open_tab("space")
    next(b for b in app.button if b.label == text("inside.draw")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert [h.value for h in app.subheader] == [text("inside.pretrained"), text("inside.random")]
    assert len(app.get("plotly_chart")) == 2
    probes = [m.value for m in app.metric if m.label == text("inside.probe")]
    assert len(probes) == 2 and all(p.endswith("%") for p in probes)


def test_preprocessing_shows_the_pixels_before_and_after_each_kind(full_roots):
    app = open_tab("pre")
    assert len(app.get("plotly_chart")) == 4  # before, then tf, caffe and 1/255
    assert text("inside.experiment") in [b.label for b in app.button]


def test_the_feature_maps_show_four_layers_of_the_photo(full_roots):
    app = open_tab("maps")
    captions = [image.proto.imgs[0].caption for image in app.get("image")]
    assert captions[0] == ""  # the photo, then one grid a layer (two columns: the tree lists them by column)
    assert sorted(caption.split(":")[0] for caption in captions[1:]) == [
        "conv1_relu", "conv_dw_5_relu", "conv_dw_9_relu", "conv_pw_13_relu"]


def test_the_mistake_experiment_launches_both_runs_and_opens_their_curves(full_roots, launched):
    app = open_tab("pre")
    app.button(key="mistake").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [config.preprocessing for config in launched] == ["backbone", "rescale"]
    assert launched[0].backbone == "mobilenet_v1_025"  # the lesson's backbone, whose weights are here
    assert [title.value for title in app.title] == [text("curves.title")]
    assert len(app.multiselect(key="compare").value) == 2
