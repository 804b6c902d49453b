"""Leaderboard: the class's runs ranked by accuracy on the teacher's hidden test photos."""

import pandas as pd
import streamlit as st

from catdog import jobs
from catdog.classroom import datasets, leaderboard
from catdog.errors import CatdogError
from webui.error_text import show_error
from webui.identity import current
from webui.loaders import current_runs
from webui.navigation import page, page_start
from webui.tables import settings_differ, value_text
from webui.text import number, t

page_start("leaderboard")
who = current()
test = leaderboard.test_set()
if who is None or who.teacher:  # the teacher's control (a single user is their own teacher)
    with st.expander(t("board.choose"), icon=":material/lock:", expanded=test is None):
        options = [None, *(d.name for d in datasets.all_datasets())]
        chosen = st.selectbox(t("board.test_set"), options,
                              index=options.index(test.name) if test and test.name in options else 0,
                              format_func=lambda name: t("board.no_test") if name is None else name)
        # Choosing the same set again after changing its photos scores every run again.
        if st.button(t("board.use"), icon=":material/check:"):
            try:
                leaderboard.choose_test_set(chosen, who)
                jobs.kick()  # the trainer scores the finished runs
                st.rerun()
            except CatdogError as error:
                show_error(error)
if test is None:
    st.info(t("board.none"))
    st.stop()


def board() -> None:
    listed = current_runs()
    rows = leaderboard.ranking(listed, test)
    waiting = leaderboard.unscored(listed, test)
    if waiting:
        st.caption(t("board.scoring", count=len(waiting)))
        if jobs.active(listed=listed) is None:
            jobs.kick(listed=listed)  # a trainer that went idle before the last run finished comes back
    if st.session_state.get("_board_moving") and is_still(listed):
        st.session_state["_board_moving"] = False
        st.rerun()  # all scored and nothing training: redraw once, which stops the polling
    st.session_state["_board_moving"] = not is_still(listed)
    if not rows:
        st.info(t("board.empty"))
        return
    photos = next(run.test_score.get("photos") for run in listed if run.id == rows[0].run_id)
    st.caption(t("board.on", name=test.name, photos=photos) + " " + t("board.pick"))
    students = any(row.student != "-" for row in rows)  # one person on a laptop: no "Student -" column
    table = pd.DataFrame([{
        # What decides the ranking first, so that it is in view on a narrow screen.
        t("col.rank"): row.rank, t("col.owner"): row.student, t("col.test_acc"): row.test_accuracy,
        t("col.val_acc"): None if row.validation_accuracy is None else number(row.validation_accuracy, ".3f"),
        t("col.backbone"): t(f"backbone.{row.settings['backbone']}"),
        t("col.epochs"): row.settings["epochs"], t("col.ft_epochs"): row.settings["fine_tune_epochs"],
        t("col.augmentation"): t("on") if row.settings["augmentation"] else t("off"),
        t("col.batch"): row.settings["batch_size"], t("col.lr"): value_text(row.settings["learning_rate"]),
        t("col.duration"): None if row.training_seconds is None else round(row.training_seconds),
        t("col.run"): row.run_id} for row in rows])
    if not students:
        table = table.drop(columns=[t("col.owner")])
    accuracy = st.column_config.ProgressColumn(t("col.test_acc"), format="percent", min_value=0.0, max_value=1.0)
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="board",
                          column_config={t("col.test_acc"): accuracy})
    if leaderboard.has_ties(rows):
        st.caption(t("board.ties"))
    if picked.selection.rows:
        run_id = rows[picked.selection.rows[0]].run_id
        if st.button(t("board.open", run=run_id), icon=":material/show_chart:"):
            st.session_state["open_runs"] = [run_id]  # the Curves page opens with this run selected
            st.switch_page(page("curves"))
    top = [next(run for run in listed if run.id == row.run_id) for row in rows[:5]]
    differ = settings_differ(top, [f"#{row.rank} {row.student}" for row in rows[:5]])
    if len(top) > 1 and not differ.empty:
        st.subheader(t("board.differ"))
        st.dataframe(differ, hide_index=True)


# While a run trains, waits or waits for its score, the board redraws itself every 3 s; once
# all is still, only when the page reruns (an idle page costs the server nothing).
def is_still(listed) -> bool:
    return not leaderboard.unscored(listed, test) and not any(r.state.waiting for r in listed)


st.fragment(board, run_every=None if is_still(current_runs()) else 3)()
