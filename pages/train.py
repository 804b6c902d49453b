"""Train: choose the settings, launch a background job, and watch it learn."""

import streamlit as st

from catdog import augment, backbones, jobs
from catdog.access import may_change
from catdog.config import TrainConfig, bounds, choices, limits
from catdog.errors import CatdogError
from webui.feedback import job_status, show_error
from webui.identity import current, sees_server
from webui.loaders import current_runs, listed_runs
from webui.navigation import need_dataset, page_start
from webui.text import t

page_start("train")
who = current()
dataset = need_dataset()

allowed = limits()
names = [name for name in backbones.REGISTRY if name in allowed.backbones]


def _backbone_changed() -> None:
    # Each backbone has its own size (MobileNet 0.25's ImageNet weights here are 224 px only):
    # a size left over from the previous backbone would ask for weights that may not exist.
    st.session_state["image_size"] = backbones.REGISTRY[st.session_state["backbone"]].default_size


backbone = st.selectbox(t("train.backbone"), names, key="backbone", format_func=lambda n: t(f"backbone.{n}"),
                        on_change=_backbone_changed)
st.session_state.setdefault("image_size", backbones.REGISTRY[backbone].default_size)
entry = backbones.REGISTRY[backbone]
st.caption(t(f"note.{backbone}"))
if not entry.pretrained:
    st.caption(t("train.scratch"))
defaults = TrainConfig(backbone=backbone)
playground = st.session_state.get("augmentation")

with st.form("train"):
    a, b, c = st.columns(3)
    epochs = a.slider(t("train.epochs"), 1, min(50, allowed.max_epochs), defaults.epochs, key="epochs",
                      help=t("train.epochs_help"))
    batch_size = b.select_slider(t("train.batch"), [n for n in (4, 8, 16, 32, 64, 128) if n <= allowed.max_batch_size],
                                 defaults.batch_size)
    learning_rate = c.select_slider(t("train.lr"), [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], defaults.learning_rate)
    a, b, c = st.columns(3)
    image_size = a.number_input(t("train.size"), bounds("image_size")[0], allowed.max_image_size, step=8,
                                key="image_size")
    pooling = b.radio(t("train.pooling"), choices("pooling"), index=choices("pooling").index(defaults.pooling),
                      format_func=lambda name: t(f"pooling.{name}"),
                      horizontal=True, help=t("train.pooling_help"))
    dense_units = c.select_slider(t("train.dense"), [0, 64, 128, 256, 512], defaults.dense_units)
    a, b, c = st.columns(3)
    dropout = a.slider(t("train.dropout"), 0.0, 0.8, defaults.dropout, 0.05)
    presets = list(augment.PRESETS) + (["playground"] if playground else [])
    preset = b.selectbox(t("train.augmentation"), presets, index=len(presets) - 1 if playground else 0,
                         format_func=lambda c: t("train.from_playground") if c == "playground" else t(f"preset.{c}"),
                         key="augmentation_preset")
    patience = c.number_input(t("train.patience"), bounds("early_stopping_patience")[0], 20,
                              defaults.early_stopping_patience)
    views = st.number_input(t("train.views"), bounds("augmented_views")[0], 10, defaults.augmented_views,
                            help=t("train.views_help"))
    st.markdown(t("train.fine_tuning"))
    a, b, c = st.columns(3)
    fine_tune_epochs = a.slider(t("train.ft_epochs"), 0, min(20, allowed.max_fine_tune_epochs),
                                defaults.fine_tune_epochs, disabled=not entry.pretrained)
    fine_tune_at = b.number_input(t("train.ft_at"), bounds("fine_tune_at")[0], 200, defaults.fine_tune_at)
    fine_tune_learning_rate = c.select_slider(t("train.ft_lr"), [1e-6, 1e-5, 1e-4], defaults.fine_tune_learning_rate)
    launched = st.form_submit_button(t("train.start"), type="primary", icon=":material/play_arrow:", key="start")

if launched:
    try:
        config = TrainConfig(
            data_dir=str(dataset), backbone=backbone, image_size=int(image_size), epochs=epochs,
            batch_size=batch_size, learning_rate=learning_rate, pooling=pooling, dense_units=dense_units,
            dropout=dropout, early_stopping_patience=int(patience), fine_tune_epochs=fine_tune_epochs,
            augmented_views=int(views),
            fine_tune_at=int(fine_tune_at), fine_tune_learning_rate=fine_tune_learning_rate,
            augmentation=playground if preset == "playground" else augment.preset(preset))
        run = jobs.start(config, owner=who)
        listed_runs.clear()
        st.session_state["watch"] = run.id
        st.toast(t("train.queued", run=run.id))
    except CatdogError as error:
        show_error(error)


def moving(listed) -> bool:
    """Whether one of my runs is queued or training: only then does the panel need redrawing."""
    return any(r.state in ("queued", "running") and may_change(who, r.owner) for r in listed)


def job_panel():
    """While my job waits or trains, re-drawn every 1.5 s without rerunning the page (the job runs
    in another process); otherwise drawn once: a class's idle pages cost the server nothing."""
    all_runs = current_runs()  # one read of the run folders a second, for the whole server
    if st.session_state.pop("_panel_moving", False) and not moving(all_runs):
        st.rerun()  # my job just ended: redraw the page once, which stops the polling
    st.session_state["_panel_moving"] = moving(all_runs)
    mine = [r for r in all_runs if may_change(who, r.owner)]  # everything, outside hosted mode
    watched = next((r for r in mine if r.id == st.session_state.get("watch")), None)
    active = jobs.active(listed=all_runs)
    run = (active if active in mine else None) or watched or (mine[0] if mine else None)
    waiting = jobs.queued(listed=all_runs)
    if who is not None and not who.teacher:  # hosted: my place in the queue; others' runs only as a count
        others = [r for r in waiting if r.owner != who.id]
        for place, queued_run in enumerate(waiting, 1):
            if queued_run.owner == who.id:
                st.caption(t("train.your_place", run=queued_run.id, place=place))
        if others:
            st.caption(t("train.others", count=len(others)))
    elif waiting:
        st.caption(t("train.queue", runs=", ".join(r.id for r in waiting)))
    if run is None:
        st.caption(t("train.no_runs"))
        return
    job_status(run, show_internals=sees_server(who))
    if run.state in ("running", "queued") and st.button(t("train.cancel"), icon=":material/stop:",
                                                         key=f"cancel-{run.id}"):
        try:
            jobs.cancel(run.id, who=who)
            listed_runs.clear()
            st.toast(t("train.cancelling", run=run.id))
        except CatdogError as error:
            show_error(error)


st.divider()
st.subheader(t("train.job"))
# My job training: redrawn every 1.5 s; only waiting in the queue: every 3 s is enough for my place.
training = any(r.state == "running" and may_change(who, r.owner) for r in current_runs())
st.fragment(job_panel, run_every=1.5 if training else 3 if moving(current_runs()) else None)()
