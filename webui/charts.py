"""The app's plotly figures: training curves, class probabilities, confusion matrix, ROC curve.

Each function returns a figure and draws nothing; plotly is imported when a figure is made.
"""

from __future__ import annotations

import math

from catdog import runs
from webui.text import number, t


def numbers_in_language(figure):
    """Plotly's ticks, labels and hover numbers with the reader's decimal mark (0,5 in Portuguese)."""
    figure.update_layout(separators=t("fig.separators"))
    return figure


def curves_figure(selected: list[runs.Run]):
    """Loss and accuracy per epoch, train solid and validation dashed, one colour per run;
    a dotted line marks where fine-tuning (phase 2) began."""
    import plotly.graph_objects as go
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2, subplot_titles=(t("job.loss"), t("job.accuracy")))
    for index, run in enumerate(selected):
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        epochs = [row["epoch"] for row in run.history]
        for col, metric in ((1, "loss"), (2, "accuracy")):
            for prefix, dash in (("", "solid"), ("val_", "dash")):
                values = [row.get(prefix + metric) for row in run.history]
                figure.add_trace(go.Scatter(
                    x=epochs, y=values, mode="lines+markers", line={"color": colour, "dash": dash},
                    name=f"{run.id} {t('fig.validation') if prefix else t('fig.train')}", legendgroup=run.id,
                    showlegend=col == 1, hoverlabel={"namelength": -1},  # the whole run id, never cut
                    # "epoch 3: 0,956", not plotly's "(3, 0,956)", whose comma a Portuguese reader misreads
                    hovertemplate=f"{t('fig.epoch')} %{{x}}: %{{y:.3f}}"), row=1, col=col)
        tuned = [row["epoch"] for row in run.history if row.get("phase") == 2]
        if tuned:
            for col in (1, 2):
                figure.add_vline(x=tuned[0] - 0.5, line_dash="dot", line_color=colour, row=1, col=col)
    # Whole epochs only: plotly would tick 1, 1.5, 2 for a run of 3 epochs.
    longest = max((len(run.history) for run in selected), default=1)
    figure.update_xaxes(title_text=t("fig.epoch"), tick0=0, dtick=max(1, math.ceil(longest / 10)))
    figure.update_layout(height=380, margin={"t": 40, "b": 10}, legend={"orientation": "h", "y": -0.25})
    return numbers_in_language(figure)


# One colour per class, by the class's index (classes are sorted folder names, the model's order
# too): a class keeps its colour in every chart. Okabe and Ito's palette, which colour-blind
# readers tell apart; its first two, blue and orange, are far apart, unlike Streamlit's own
# theme, which drew two classes in two blues.
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def class_colours(class_names) -> dict[str, str]:
    """{class: colour} for plotly's `color_discrete_map`, in the classes' order (the palette repeats
    past 8 classes)."""
    return {name: CLASS_COLOURS[index % len(CLASS_COLOURS)] for index, name in enumerate(class_names)}


def probabilities_figure(probabilities: dict[str, float]):
    """One horizontal bar per class, 0 to 100%, each class in its own colour (`class_colours`)."""
    import pandas as pd
    import plotly.express as px

    table = pd.DataFrame({"class": list(probabilities), "probability": list(probabilities.values())})
    chart = px.bar(table, x="probability", y="class", color="class", orientation="h",
                   color_discrete_map=class_colours(probabilities),
                   labels={"probability": t("fig.probability"), "class": t("fig.class")},
                   range_x=[0, 1], text_auto=".1%", height=90 + 50 * len(table),
                   hover_data={"probability": ":.1%"})  # as on the bar: the axis's .0% said 100% for 99.5%
    chart.update_layout(showlegend=False, margin={"t": 10, "b": 10}, xaxis_tickformat=".0%",
                        xaxis_title=t("predict.probability"))
    chart.update_yaxes(type="category", title=None)
    return numbers_in_language(chart)


def confusion_figure(names: list[str], matrix: list[list[int]]):
    """The confusion matrix as clickable squares: rows the true class, columns the prediction."""
    import plotly.graph_objects as go

    cells = [(true, guess) for true in range(len(names)) for guess in range(len(names))]
    figure = go.Figure(go.Scatter(
        x=[names[g] for _, g in cells], y=[names[r] for r, _ in cells], mode="markers+text",
        text=[str(matrix[r][g]) for r, g in cells], textfont={"size": 20},
        marker={"symbol": "square", "size": 90, "color": [matrix[r][g] for r, g in cells], "colorscale": "Blues",
                "showscale": True, "line": {"width": 1, "color": "white"}}))
    figure.update_layout(height=160 + 110 * len(names), xaxis_title=t("eval.predicted"), yaxis_title=t("eval.true"),
                         yaxis_autorange="reversed", margin={"t": 10})
    return numbers_in_language(figure)


def roc_figure(roc):
    """The ROC curve (true against false positive rate) with the diagonal of a coin toss."""
    import plotly.express as px

    curve = px.area(x=roc.false_positive_rate, y=roc.true_positive_rate,
                    labels={"x": t("eval.fpr"), "y": t("eval.tpr")},
                    title=t("eval.roc_title", auc=number(roc.auc, ".3f"), positive=roc.positive_class))
    curve.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line={"dash": "dot"})
    return numbers_in_language(curve)


def feature_map_figure(mapped, marked: set[str], marked_name: str):
    """One WebGL point per photo (thousands stay smooth), coloured by class; the photos in `marked`
    (a run's mistakes) ringed in black. Each point carries its photo's index, for a click."""
    import os

    import plotly.graph_objects as go

    figure = go.Figure()
    colours = class_colours(mapped.class_names)
    for index, name in enumerate(mapped.class_names):
        chosen = [i for i, label in enumerate(mapped.labels) if label == index]
        figure.add_trace(go.Scattergl(
            x=mapped.points[chosen, 0], y=mapped.points[chosen, 1], mode="markers", name=name, customdata=chosen,
            text=[os.path.basename(mapped.paths[i]) for i in chosen],
            hovertemplate="%{text}<extra>" + name + "</extra>",
            marker={"size": 5, "color": colours[name], "opacity": 0.7}))
    wrong = [i for i, path in enumerate(mapped.paths) if path in marked]
    if wrong:
        figure.add_trace(go.Scattergl(
            x=mapped.points[wrong, 0], y=mapped.points[wrong, 1], mode="markers", name=marked_name, customdata=wrong,
            text=[os.path.basename(mapped.paths[i]) for i in wrong], hovertemplate="%{text}<extra></extra>",
            marker={"size": 9, "color": "rgba(0,0,0,0)", "line": {"width": 1.5, "color": "black"}}))
    figure.update_layout(height=420, margin={"t": 10, "b": 10, "l": 10, "r": 10},
                         legend={"orientation": "h", "y": -0.05},
                         xaxis={"showticklabels": False}, yaxis={"showticklabels": False})
    return numbers_in_language(figure)


def histogram_figure(histograms, title: str = ""):
    """Each channel's value counts as a line, in the channel's colour (B, G, R after a caffe swap)."""
    import plotly.graph_objects as go

    colours = {"R": "#D55E00", "G": "#009E73", "B": "#0072B2"}
    figure = go.Figure()
    for histogram in histograms:
        centres = (histogram.edges[:-1] + histogram.edges[1:]) / 2
        figure.add_trace(go.Scatter(x=centres, y=histogram.counts, mode="lines", name=histogram.channel,
                                    line={"color": colours[histogram.channel]}))
    figure.update_layout(title={"text": title, "font": {"size": 14}}, height=250,
                         margin={"t": 40 if title else 10, "b": 10},
                         xaxis_title=t("fig.value"), yaxis_title=t("fig.pixels"))
    return numbers_in_language(figure)
