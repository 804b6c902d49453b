"""Training curves: compare runs, spot overfitting, and manage run folders."""

import pandas as pd
import streamlit as st

from catdog import jobs, runs
from catdog.access import may_change
from catdog.config import TrainConfig, allowed_backbones
from catdog.errors import CatdogError
from catdog.inside import experiments
from catdog.run_state import State
from catdog.settings import models_root
from webui.charts import curves_figure
from webui.error_text import show_error
from webui.identity import current, run_label, sees_server, shown_path
from webui.loaders import current_runs, listed_runs
from webui.navigation import page, page_start, terminal_hint
from webui.sidebar import active_dataset, use_run
from webui.tables import settings_differ, value_text
from webui.text import number, t

page_start("curves")
who = current()
all_runs = current_runs()
if sees_server(who):  # damaged records, listed apart: the teacher (or the laptop's one user) may delete them
    for damaged in runs.list_damaged(models_root()):
        show_error(damaged.error)
        if st.button(t("curves.delete_damaged", run=damaged.id), key=f"delete-damaged-{damaged.id}"):
            runs.delete_run(damaged.id, who=who)
            st.rerun()
if not all_runs:
    st.info(t("curves.none"))
    terminal_hint()
    st.page_link(page("train"), label=t("common.go_train"))
    st.stop()


def on_off(config) -> str:
    return t("on") if config.augmentation.enabled else t("off")


def row(run: runs.Run) -> dict:
    c = run.config
    best = max((h.get("val_accuracy", 0) for h in run.history), default=None)
    final = run.metrics.get("val_accuracy")
    who_made_it = {t("col.owner"): run.owner_name or "-"} if who is not None else {}  # hosted: the class's runs
    # The accuracies first after the state, so that they are in view without scrolling the table.
    return {t("col.run"): run.id, **who_made_it, t("col.status"): t(f"state.{run.state}"),
            t("col.best"): "-" if best is None else number(best, ".3f"),  # a failed or cancelled run has none
            t("col.final"): "-" if final is None else number(final, ".3f"),
            t("col.backbone"): t(f"backbone.{c.backbone}"),
            t("col.epochs"): c.epochs, t("col.ft_epochs"): c.fine_tune_epochs, t("col.batch"): c.batch_size,
            t("col.lr"): value_text(c.learning_rate), t("col.augmentation"): on_off(c),
            # a number or nothing: a column mixing "-" and numbers cannot be drawn (Arrow refuses it)
            t("col.duration"): None if run.metrics.get("seconds") is None else round(run.metrics["seconds"])}


def default_selection(listed: list[runs.Run]) -> list[str]:
    """What the page shows first: a run training now (its curves grow live) and the latest finished
    ones, two in all; not a cancelled run with one point."""
    running = [r.id for r in listed if r.state == State.RUNNING]
    done = [r.id for r in listed if r.state == State.DONE]
    return (running + done)[:2] or [r.id for r in listed if r.history][:1]


def launch(pairs: list[tuple[runs.Run | None, TrainConfig]]) -> None:
    """Queue each config and open the new runs beside the run each copies (when it copies one)."""
    opened: list[str] = []
    try:
        for source, config in pairs:
            started = jobs.start(config, owner=who)
            opened += ([source.id] if source is not None else []) + [started.id]
            st.session_state["watch"] = started.id
    except CatdogError as error:
        if error.key == "weights_unavailable":  # plain words, no server folder
            st.warning(t("weights.missing", backbone=t(f"backbone.{error.params['backbone']}"),
                         instead=t(f"backbone.{error.params['instead']}")), icon=":material/cloud_off:")
        elif error.key == "weights_unavailable_at_size":
            st.warning(t("weights.missing_size", backbone=t(f"backbone.{error.params['backbone']}"),
                         size=error.params["image_size"], ready=error.params["ready_size"]),
                       icon=":material/cloud_off:")
        else:
            show_error(error)
        return
    finally:
        listed_runs.clear()
    st.session_state["open_runs"] = list(dict.fromkeys(opened))
    st.session_state[NOTICE] = t("curves.launched", runs=", ".join(r for r in opened[-len(pairs):]))
    st.rerun()


NOTICE = "_curves_notice"
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE), icon=":material/science:")
st.dataframe(pd.DataFrame([row(r) for r in all_runs]), hide_index=True,
             column_config={t("col.best"): st.column_config.TextColumn(help=t("col.best_help")),
                            t("col.final"): st.column_config.TextColumn(help=t("col.final_help"))})
ids = [r.id for r in all_runs]
opened = [run_id for run_id in st.session_state.pop("open_runs", []) if run_id in ids]  # Leaderboard, twins
if opened or [run_id for run_id in st.session_state.get("compare", []) if run_id not in ids]:
    st.session_state["compare"] = opened or default_selection(all_runs)  # (also when a compared run was deleted)
st.session_state.setdefault("compare", default_selection(all_runs))
owners = {r.id: r.owner_name for r in all_runs if r.owner_name}  # a shared server's: whose run it is
chosen = st.multiselect(t("curves.compare"), ids, key="compare", placeholder=t("curves.pick"),
                        format_func=lambda run_id: run_label(run_id, owners))
if not chosen:
    st.stop()


def compared() -> None:
    """The chosen runs' curves, gaps and differences; redrawn every 2 s while one of them trains."""
    by_id = {r.id: r for r in current_runs()}
    selected = [by_id[run_id] for run_id in chosen if run_id in by_id]  # in the order chosen: source, then twin
    if st.session_state.pop("_curves_moving", False) and not moving(selected):
        st.rerun()  # the last of them just ended: redraw the page once, which stops the polling
    st.session_state["_curves_moving"] = moving(selected)
    st.plotly_chart(curves_figure(selected), key="curves")
    st.caption(t("curves.legend"))
    gaps = [(r, experiments.gap(r.history)) for r in selected]
    if any(g for _, g in gaps):
        st.dataframe(pd.DataFrame([gap_row(r) for r, g in gaps if g]), hide_index=True)
        for kind in dict.fromkeys(g.kind for _, g in gaps if g):  # each reading once, in the runs' order
            st.info(t(f"gap.{kind}", runs=", ".join(r.id for r, g in gaps if g and g.kind == kind)),
                    icon=":material/school:")
    if len(selected) > 1:
        st.subheader(t("curves.differ"))
        differ = settings_differ(selected)
        # An if statement, not a conditional expression: Streamlit's "magic" writes the value of a
        # bare expression on the page (here the DeltaGenerator's help, with its source line).
        if differ.empty:
            st.caption(t("curves.same_settings"))
        else:
            st.dataframe(differ, hide_index=True)


def gap_row(run: runs.Run) -> dict:
    """The last epoch that has both accuracies: its figures and their difference."""
    last = [h for h in run.history if isinstance(h.get("accuracy"), (int, float))
            and isinstance(h.get("val_accuracy"), (int, float))]
    train, validation = last[-1]["accuracy"], last[-1]["val_accuracy"]
    return {t("col.run"): run.id, t("col.augmentation"): on_off(run.config),
            t("col.train_acc_last"): number(train, ".3f"), t("col.val_acc_last"): number(validation, ".3f"),
            t("col.gap"): number(train - validation, "+.3f")}


def moving(listed: list[runs.Run]) -> bool:
    return any(r.state.waiting for r in listed)


# While a chosen run waits or trains, its curves grow every 2 s; otherwise the fragment is drawn once.
st.fragment(compared, run_every=2 if moving([r for r in all_runs if r.id in chosen]) else None)()

run = next(r for r in all_runs if r.id == chosen[0])
st.subheader(t("curves.run", run=run.id))
augmented = run.config.augmentation.enabled
a, b = st.columns(2)
if a.button(t("curves.twin", state=t("off") if augmented else t("on")), icon=":material/science:",
            key=f"twin-{run.id}", help=t("curves.twin_help")):
    twin_config = experiments.twin(run.config)
    existing = next((r for r in all_runs if r.config == twin_config and r.state != State.FAILED
                     and r.state != State.CANCELLED), None)
    if existing is None:
        launch([(run, twin_config)])
    else:  # the same settings again would give the same curves: open that run beside this one instead
        st.session_state["open_runs"] = [run.id, existing.id]
        st.session_state[NOTICE] = t("curves.twin_exists", run=existing.id)
        st.rerun()
if b.button(t("curves.overfit"), icon=":material/school:", key="overfit", help=t("curves.overfit_help")):
    dataset = active_dataset()
    if dataset is None:
        st.info(t("common.no_dataset"))
    else:
        base = experiments.overfitting(TrainConfig(data_dir=str(dataset),
                                                   backbone=experiments.lesson_backbone(allowed_backbones())))
        launch([(None, base), (None, experiments.twin(base))])
with st.expander(t("curves.config")):
    st.json({**run.config.to_dict(), "data_dir": shown_path(run.config.data_dir, who)})
if sees_server(who):  # a server path: for a single user or the teacher, not for a class's students
    st.markdown(t("curves.tensorboard"))
    st.code(f"tensorboard --logdir {(models_root() / run.id / 'logs').resolve()}", language="bash")
if run.has_model and st.button(t("curves.to_export"), icon=":material/ios_share:", key=f"export-{run.id}"):
    use_run(run.id)  # the Export page works on the sidebar's run: this one
    st.switch_page(page("export"))
if may_change(who, run.owner):
    with st.popover(t("curves.delete"), icon=":material/delete:", key=f"delete-{run.id}"):  # closed for the next run
        st.warning(t("curves.delete_warning", path=shown_path(run.path, who)))
        if st.button(t("curves.delete_yes"), type="primary", key=f"delete-yes-{run.id}"):
            try:
                runs.delete_run(run.id, who=who)
                listed_runs.clear()
                st.rerun()
            except CatdogError as error:
                show_error(error)
