"""Train: choose the settings, launch a background job, and watch it learn."""

import streamlit as st

from catdog import jobs
from catdog.access import may_change
from catdog.classroom import rules
from catdog.config import SUGGESTED_FINE_TUNE_EPOCHS, TrainConfig, allowed_backbones, bounds, choices, largest_image
from catdog.data import augment
from catdog.errors import CatdogError
from catdog.network import backbones, weights
from catdog.run_state import State
from catdog.settings import limits
from catdog.training import estimate
from webui.error_text import show_error
from webui.feedback import WEIGHTS_ERRORS, duration, job_status, weights_offer
from webui.form_memory import remember, restore
from webui.identity import current, sees_server
from webui.loaders import current_runs, dataset_files, folder_stamp, listed_runs
from webui.navigation import need_dataset, page_start
from webui.sliders import number_slider
from webui.text import number, t

page_start("train")
who = current()
dataset = need_dataset()

allowed = limits()
names = list(allowed_backbones())
FORM = "train"
BATCH_SIZES = [n for n in (4, 8, 16, 32, 64, 128) if n <= allowed.max_batch_size]
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
DENSE_UNITS = [0, 64, 128, 256, 512]
FINE_TUNE_RATES = [1e-6, 1e-5, 1e-4, 1e-3]


def _defaults() -> dict:
    """The form's starting values: TrainConfig's defaults, with a backbone that trains here."""
    backbone = weights.default_for_here(allowed_backbones())
    d = TrainConfig(backbone=backbone)
    return {"backbone": backbone, "image_size": d.image_size, "epochs": min(d.epochs, allowed.max_epochs),
            "batch_size": d.batch_size, "learning_rate": d.learning_rate, "pooling": d.pooling,
            "dense_units": d.dense_units, "dropout": d.dropout, "augmentation_preset": "none",
            "early_stopping_patience": d.early_stopping_patience, "augmented_views": d.augmented_views,
            "mirror_views": d.mirror_views, "test_time_mirror": d.test_time_mirror,
            "fine_tune_epochs": d.fine_tune_epochs, "fine_tune_at": d.fine_tune_at,
            "fine_tune_learning_rate": d.fine_tune_learning_rate}


DEFAULTS = _defaults()
playground = st.session_state.get("augmentation")
presets = list(augment.PRESETS) + (["playground"] if playground else [])
restore(FORM, who, DEFAULTS, allowed={"backbone": names, "batch_size": BATCH_SIZES, "learning_rate": LEARNING_RATES,
                                      "dense_units": DENSE_UNITS, "augmentation_preset": presets,
                                      "fine_tune_learning_rate": FINE_TUNE_RATES})


def _changed() -> None:
    remember(FORM, who, DEFAULTS)


def _backbone_changed() -> None:
    # Each backbone has its own size (MobileNet 0.25: 320 px, with its 224 px weights): a size left
    # over from the previous backbone would ask for weights that may not exist.
    st.session_state["image_size"] = backbones.REGISTRY[st.session_state["backbone"]].default_size
    _changed()


def use_instead(name: str) -> None:
    """The one click a weights failure offers: switch the form to a backbone that trains here."""
    st.session_state["backbone"] = name
    _backbone_changed()


def use_size(size: int) -> None:
    """The one click when only the chosen size's weights are missing: the backbone's own size."""
    st.session_state["image_size"] = size
    _changed()


def weights_line(name: str) -> str:
    status = weights.weights_status(name)
    return t(f"weights.{status.state}", mb=number(status.download_mb, ".0f"))


backbone = st.selectbox(t("train.backbone"), names, key="backbone", on_change=_backbone_changed,
                        format_func=lambda n: f"{t(f'backbone.{n}')} · {weights_line(n)}")
entry = backbones.REGISTRY[backbone]
# One container whatever the backbone: the widgets below keep their place in the page when the notes
# above change, so the browser never shows a stale copy of them while the page redraws.
with st.container():
    st.caption(t(f"note.{backbone}"))
    if not entry.pretrained:
        st.caption(t("train.scratch"))
    if not weights.weights_status(backbone, st.session_state["image_size"]).usable:  # at the size chosen
        missing = weights.weights_unavailable(backbone, st.session_state["image_size"])
        weights_offer(missing.key, missing.params, use_instead, use_size, key="form")

a, b, c = st.columns(3)
a.slider(t("train.epochs"), 1, min(50, allowed.max_epochs), key="epochs", help=t("train.epochs_help"),
         on_change=_changed)
b.select_slider(t("train.batch"), BATCH_SIZES, key="batch_size", on_change=_changed)
c.select_slider(t("train.lr"), LEARNING_RATES, key="learning_rate", on_change=_changed,
                format_func=lambda rate: number(rate, "g"))
a, b, c = st.columns(3)
a.number_input(t("train.size"), bounds("image_size")[0], largest_image(st.session_state["backbone"]), step=8,
               key="image_size",
               on_change=_changed)
b.radio(t("train.pooling"), choices("pooling"), format_func=lambda name: t(f"pooling.{name}"), key="pooling",
        horizontal=True, help=t("train.pooling_help"), on_change=_changed)
c.select_slider(t("train.dense"), DENSE_UNITS, key="dense_units", on_change=_changed)
a, b, c = st.columns(3)
number_slider(t("train.dropout"), 0.8, 0.05, key="dropout", on_change=_changed, where=a)
b.selectbox(t("train.augmentation"), presets, key="augmentation_preset", on_change=_changed,
            format_func=lambda c: t("train.from_playground") if c == "playground" else t(f"preset.{c}"))
c.number_input(t("train.patience"), bounds("early_stopping_patience")[0], 20, key="early_stopping_patience",
               on_change=_changed)
st.number_input(t("train.views"), bounds("augmented_views")[0], 10, key="augmented_views",
                help=t("train.views_help"), on_change=_changed)
a, b = st.columns(2)
a.checkbox(t("train.mirror_views"), key="mirror_views", help=t("train.mirror_views_help"), on_change=_changed)
b.checkbox(t("train.test_time_mirror"), key="test_time_mirror", help=t("train.test_time_mirror_help"),
           on_change=_changed)
st.markdown(t("train.fine_tuning"))
a, b, c = st.columns(3)
a.slider(t("train.ft_epochs"), 0, min(20, allowed.max_fine_tune_epochs), key="fine_tune_epochs",
         help=t("train.ft_epochs_help", epochs=SUGGESTED_FINE_TUNE_EPOCHS), disabled=not entry.pretrained,
         on_change=_changed)
b.number_input(t("train.ft_at"), bounds("fine_tune_at")[0], 200, key="fine_tune_at", on_change=_changed)
c.select_slider(t("train.ft_lr"), FINE_TUNE_RATES, key="fine_tune_learning_rate", on_change=_changed,
                format_func=lambda rate: number(rate, "g"))


def chosen_config() -> TrainConfig:
    """The form as a TrainConfig: every setting read from the one place the widgets keep it."""
    values = {key: st.session_state[key] for key in DEFAULTS if key != "augmentation_preset"}
    preset = st.session_state["augmentation_preset"]
    return TrainConfig(data_dir=str(dataset), **values,
                       augmentation=playground if preset == "playground" else augment.preset(preset))


def use_views(views: int) -> None:
    """The faster equivalent's one click: cached augmented views instead of streaming."""
    st.session_state["augmented_views"] = views
    _changed()


def time_estimate() -> None:
    """Before Start: how long the job will take on this server, and a faster way to much the same."""
    try:
        files = dataset_files(str(dataset), folder_stamp(dataset))
        guess = estimate.estimate(chosen_config(), len(files.train.paths), len(files.validation.paths),
                                  current_runs())
    except CatdogError:  # an incomplete dataset or setting: Start says what is wrong
        return
    line = t("train.estimate", time=duration(guess.seconds))
    st.caption(line + (" " + t("train.estimate_measured") if guess.calibrated else ""))
    cap = rules.job_minutes()
    if cap and guess.seconds > cap * 60:
        st.warning(t("train.estimate_over_cap", minutes=cap))
    if guess.faster:
        views = guess.faster["augmented_views"]
        st.info(t("train.faster", views=views, time=duration(guess.faster_seconds)), icon=":material/bolt:")
        st.button(t("train.use_faster", views=views), on_click=use_views, args=(views,), key="use-faster")


def class_job_minutes() -> None:
    """The teacher's one class rule here: a job's minutes on the trainer (hosted mode)."""
    if who is None or not who.teacher or not allowed.max_job_minutes:
        return

    def changed() -> None:
        try:
            minutes = rules.set_job_minutes(st.session_state["class-job-minutes"], who)
            st.toast(t("train.job_minutes_saved", minutes=minutes), icon=":material/check:")
        except CatdogError as error:
            st.session_state["_job_minutes_error"] = error

    shown = min(max(int(rules.job_minutes()), 1), rules.MOST_JOB_MINUTES)  # a host's default may be beyond
    st.number_input(t("train.job_minutes"), 1, rules.MOST_JOB_MINUTES, value=shown,
                    key="class-job-minutes", help=t("train.job_minutes_help"), on_change=changed)
    if "_job_minutes_error" in st.session_state:
        show_error(st.session_state.pop("_job_minutes_error"))


time_estimate()
class_job_minutes()
launched = st.button(t("train.start"), type="primary", icon=":material/play_arrow:", key="start")


if launched:
    try:
        run = jobs.start(chosen_config(), owner=who)
        listed_runs.clear()
        st.session_state["watch"] = run.id
        ahead = [r for r in current_runs() if r.state.waiting and r.id != run.id]
        st.toast(t("train.queued", run=run.id) if ahead else t("train.starts_now", run=run.id))
    except CatdogError as error:
        if error.key in WEIGHTS_ERRORS:  # before launch: the same offer as under the backbone
            weights_offer(error.key, error.params, use_instead, use_size, key="launch")
        else:
            show_error(error)


def moving(listed) -> bool:
    """Whether one of my runs is queued or training: only then does the panel need redrawing."""
    return any(r.state.waiting and may_change(who, r.owner) for r in listed)


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
    behind = waiting if active else waiting[1:]  # with nothing training, the first one is starting
    if who is not None and not who.teacher:  # hosted: my place in the queue; others' runs only as a count
        others = [r for r in waiting if r.owner != who.id]
        for place, queued_run in enumerate(waiting, 1):
            if queued_run.owner == who.id:
                st.caption(t("train.your_place", run=queued_run.id, place=place))
        if others:
            st.caption(t("train.others", count=len(others)))
    elif behind:
        st.caption(t("train.queue", runs=", ".join(r.id for r in behind)))
    if run is None:
        st.caption(t("train.no_runs"))
        return
    ahead = waiting.index(run) + (active is not None) if run in waiting else 0
    job_status(run, show_internals=sees_server(who), ahead=ahead, use_instead=use_instead, use_size=use_size)
    if run.state.waiting and st.button(t("train.cancel"), icon=":material/stop:",
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
training = any(r.state == State.RUNNING and may_change(who, r.owner) for r in current_runs())
st.fragment(job_panel, run_every=1.5 if training else 3 if moving(current_runs()) else None)()
