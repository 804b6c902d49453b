"""The sidebar every page shares: the language, the active dataset, the selected run, the job."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catdog import jobs, runs
from catdog.classroom import datasets, leaderboard
from catdog.run_state import State
from catdog.settings import data_root, limits
from webui import identity
from webui.loaders import current_runs
from webui.text import CHOSEN_LANGUAGE, LANGUAGES, language, t


def language_picker() -> None:
    """Before anything else is drawn, so every text below is in the chosen language."""
    st.session_state[CHOSEN_LANGUAGE] = language()  # the browser's language on the first visit
    st.session_state["language"] = language()  # the picker shows it, even after Streamlit reset the widget
    st.sidebar.selectbox(t("side.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="language",
                         on_change=_remember_language)


def _remember_language() -> None:
    st.session_state[CHOSEN_LANGUAGE] = st.session_state["language"]


def sidebar() -> None:
    """Always visible: the active dataset, the selected run, and the training job."""
    with st.sidebar:
        found = list_datasets()
        if found:
            current = active_dataset(found)
            names = [d.name for d in found]
            picked = st.selectbox(t("side.dataset"), names,
                                  index=names.index(current.name) if current in found else 0,
                                  help=t("side.dataset_help",
                                         root=identity.shown_path(data_root(), identity.current())))
            st.session_state["dataset"] = str(data_root() / picked)
        else:
            st.caption(t("side.no_dataset"))
        listed = current_runs()  # everything below filters this one list
        who = st.session_state[_WHO] = identity.current()  # kept for the fragment below: no re-read every 2 s
        st.session_state[_MY_FINISHED] = _my_finished(listed, who)
        finished = [r for r in listed if r.state == State.DONE]
        if not finished and st.session_state.get("run"):
            st.session_state[RUN_GONE] = st.session_state.pop("run")
        if finished:
            ids = [r.id for r in finished]
            owners = {r.id: r.owner_name for r in finished if r.owner_name}
            # Mine: on one's own laptop every run; on a shared server the student's (or teacher's) own.
            mine = [r.id for r in finished if who is None or r.owner == who.id]
            selected, picked = st.session_state.get("run"), st.session_state.get(RUN_PICKED)
            if selected and selected not in ids:  # deleted meanwhile (by its owner, the teacher, a CLI)
                st.session_state[RUN_GONE] = selected
            # A run the user picked stays picked; with no pick, their newest (a new one of theirs is offered).
            default = picked if picked in ids else (mine or ids)[0]
            newest, known = (mine[0] if mine else None), st.session_state.get(_NEWEST_KNOWN)
            if newest and known and newest != known and picked in ids and newest != picked:
                st.session_state[_OFFERED] = newest
            st.session_state[_NEWEST_KNOWN] = newest
            st.session_state[_PICKER] = default
            st.session_state["run"] = st.selectbox(
                t("side.run"), ids, key=_PICKER, help=t("side.run_help"), on_change=_picked,
                format_func=lambda run_id: identity.run_label(run_id, owners))
            offered = st.session_state.get(_OFFERED)
            if offered in ids and offered != st.session_state["run"]:
                st.info(t("side.new_run", run=identity.run_label(offered, owners)), icon=":material/new_releases:")
                st.button(t("side.use_new_run"), on_click=use_run, args=(offered,), key="use-new-run")
        # Redrawn every 2 s, busy or not: the state shown anywhere is at most ~2 s old. It reads no file
        # of its own: the run folders are read once a second for the whole server (current_runs).
        st.fragment(job_line, run_every=2)()
        if limits().hosted:
            st.caption(t("side.hosted", epochs=limits().max_epochs, mb=limits().max_upload_mb))


RUN_PICKED = "_run_picked"  # the run the user chose in the picker (or with a page's "use this run")
_PICKER, _NEWEST_KNOWN, _OFFERED = "_run_picker", "_my_newest_run", "_run_offered"


def _picked() -> None:
    st.session_state[RUN_PICKED] = st.session_state[_PICKER]
    st.session_state.pop(_OFFERED, None)


def use_run(run_id: str) -> None:
    """Make `run_id` the run every page uses, as if picked in the sidebar."""
    st.session_state["run"] = st.session_state[RUN_PICKED] = run_id
    st.session_state.pop(_OFFERED, None)


_MY_FINISHED = "_my_finished_runs"
_WHO = "_sidebar_identity"
RUN_GONE = "_run_gone"  # the run this browser was using, deleted since: the page says so


def _my_finished(listed: list[runs.Run], who) -> list[str]:
    return [r.id for r in listed if r.state.finished and (who is None or r.owner == who.id or who.teacher)]


def job_line() -> None:
    """The training job, as it is now: a fragment redrawn on its own, not only when the page reruns."""
    listed = current_runs()
    who = st.session_state.get(_WHO)
    if _MY_FINISHED in st.session_state and _my_finished(listed, who) != st.session_state[_MY_FINISHED]:
        st.rerun()  # one of my runs ended (or went): the whole page, so the run picker and the page show it
    job = jobs.active(listed=listed)
    waiting = jobs.queued(listed=listed)
    if waiting and job is None:
        jobs.kick(listed=listed)  # e.g. after a server restart: keep the queue moving
    if job:
        shown = job.id if who is None or who.teacher or job.owner == who.id else t("side.classmate")
        st.progress(min(job.progress.fraction, 1.0), text=t("side.training", run=shown))
    else:
        st.caption(t("side.idle"))
    if waiting:
        st.caption(t("side.queued", count=len(waiting)))


def list_datasets() -> list[Path]:
    """The datasets this browser may use (a class's students never see the leaderboard's test set)."""
    test = leaderboard.test_set()
    return [d.path for d in datasets.list_datasets(identity.current(), hidden=test and test.name)]


def active_dataset(found: list[Path] | None = None) -> Path | None:
    """The dataset picked in the sidebar, else the first one found."""
    found = list_datasets() if found is None else found
    chosen = st.session_state.get("dataset")
    if chosen and Path(chosen) in found:
        return Path(chosen)
    return found[0] if found else None


def selected_run() -> runs.Run | None:
    """The run picked in the sidebar, else the newest finished one."""
    finished = [r for r in current_runs() if r.state == State.DONE and r.has_model]
    chosen = st.session_state.get("run")
    return next((r for r in finished if r.id == chosen), finished[0] if finished else None)
