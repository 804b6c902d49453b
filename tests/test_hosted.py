"""Hosted mode (a class on one server): names, owners, who may change what, no server internals."""

import tempfile

import pytest

from catdog import jobs, runs
from catdog.access import Identity
from helpers import en, open_page


@pytest.fixture
def hosted(full_roots, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_TEACHER_CODE", "owl-42")
    monkeypatch.setattr(jobs, "kick", lambda *args, **kwargs: None)  # nothing trains in these tests
    monkeypatch.setattr(jobs, "start", lambda config, models_dir=None, owner=None:
                        runs.load_run(runs.create_run(config, models_dir, owner)))
    return full_roots


def student(name: str, page: str = "home"):
    """A new browser: it is asked its name once, then sees the page."""
    app = open_page("home")
    assert [s.value for s in app.subheader] == [en("who.welcome")]
    app.text_input(key="display_name").set_value(name)
    app.button[0].click().run()
    if page != "home":
        from webui.navigation import PAGES, ROOT

        app.switch_page(str(ROOT / PAGES[page].script)).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def identity_of(app) -> Identity:
    token = app.session_state["_identity_token"]
    return Identity(token)


def test_a_student_names_themself_once_and_their_run_carries_it(hosted):
    app = student("Ana", "train")
    assert en("who.you", name="Ana") in [c.value for c in app.sidebar.caption]
    app.button(key="start").click().run()
    [run] = [r for r in runs.list_runs(hosted / "models") if r.state == "queued"]
    assert (run.owner, run.owner_name) == (identity_of(app).id, "Ana")
    assert en("train.your_place", run=run.id, place=1) in [c.value for c in app.caption]


def test_another_students_job_shows_as_a_count_without_a_cancel_button(hosted):
    ana = student("Ana", "train")
    ana.button(key="start").click().run()
    bia = student("Bia", "train")
    assert en("train.others", count=1) in [c.value for c in bia.caption]
    assert not [b for b in bia.button if b.key and b.key.startswith("cancel-")]
    [run] = [r for r in runs.list_runs(hosted / "models") if r.state == "queued"]
    with pytest.raises(Exception, match="belongs to Ana"):
        jobs.cancel(run.id, hosted / "models", who=identity_of(bia))


def test_the_teacher_code_unlocks_the_teachers_controls(hosted):
    ana = student("Ana", "train")
    ana.button(key="start").click().run()
    [run] = [r for r in runs.list_runs(hosted / "models") if r.state == "queued"]
    teacher = student("Prof", "train")
    assert not [b for b in teacher.button if b.key == f"cancel-{run.id}"]  # a student, until the code
    teacher.text_input(key="teacher_code").set_value("owl-42")
    teacher.button(key="teacher-unlock").click().run()  # the code goes through a form: tried once, when sent
    assert en("who.teacher") in " ".join(c.value for c in teacher.sidebar.caption)
    teacher.button(key=f"cancel-{run.id}").click().run()
    assert not teacher.exception and runs.load_run(run.path).state == "cancelled"


def test_a_wrong_teacher_code_unlocks_nothing(hosted):
    app = student("Bia", "train")
    app.text_input(key="teacher_code").set_value("owl-41")
    app.button(key="teacher-unlock").click().run()  # the code goes through a form: tried once, when sent
    assert [e.value for e in app.error] == [en("who.wrong_code")]
    assert en("who.teacher") not in " ".join(c.value for c in app.sidebar.caption)


def test_a_typo_in_the_code_counts_once_not_again_at_every_rerun_of_the_page(hosted):
    """Left in a plain field, one typo was tried again on each rerun: five clicks locked the teacher out."""
    from catdog.classroom import people

    people.forget_attempts()
    prof = student("Prof", "train")
    prof.text_input(key="teacher_code").set_value("owl-24")
    prof.button(key="teacher-unlock").click().run()
    for _ in range(people.BROWSER_ATTEMPTS + 1):
        prof.run()  # clicks elsewhere on the page
    prof.text_input(key="teacher_code").set_value("owl-42")
    prof.button(key="teacher-unlock").click().run()
    assert not prof.error and en("who.teacher") in " ".join(c.value for c in prof.sidebar.caption)


@pytest.mark.parametrize("page", ["home", "dataset", "train", "curves", "predict", "evaluate", "leaderboard"])
def test_no_page_shows_a_student_a_server_path(hosted, page):
    app = student("Ana", page)
    shown = " ".join(str(element.value) for kind in ("markdown", "caption", "success", "info", "code", "warning",
                                                     "json")
                     for element in app.get(kind) if isinstance(getattr(element, "value", None), str))
    shown += " ".join(str(option) for box in app.selectbox for option in box.options)
    assert str(hosted) not in shown
    assert tempfile.gettempdir() + "/" not in shown  # nor any other folder of the server (the runs' photos)
    assert "tensorboard --logdir" not in shown


@pytest.mark.parametrize("page", ["curves", "predict"])
def test_a_student_with_no_runs_is_pointed_to_the_train_page_never_to_a_terminal(empty_roots, monkeypatch, page):
    """'ou no terminal: python -m catdog train --data PASTA' told students of a server they cannot reach."""
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    app = student("Ana", page)
    shown = " ".join(str(element.value) for kind in ("info", "caption", "markdown", "error")
                     for element in app.get(kind))
    assert en("curves.none" if page == "curves" else "common.no_model") in shown
    assert "python -m catdog" not in shown


def test_a_single_user_still_gets_the_terminal_command(empty_roots):
    app = open_page("curves")
    assert en("common.terminal") in [caption.value for caption in app.caption]


def _switch(app, page: str):
    from webui.navigation import PAGES, ROOT

    return app.switch_page(str(ROOT / PAGES[page].script)).run()


def test_the_teacher_picks_the_hidden_test_set_and_the_class_sees_the_ranking(hosted):
    from catdog.classroom import leaderboard
    from helpers import make_dataset

    make_dataset(hosted / "data" / "exam", per_class=2, splits=("",))
    ana = student("Ana", "leaderboard")
    assert not ana.main.selectbox and en("board.none") in [i.value for i in ana.info]  # no chooser for a student
    teacher = student("Prof", "leaderboard")
    teacher.text_input(key="teacher_code").set_value("owl-42")
    teacher.button(key="teacher-unlock").click().run()  # the code goes through a form: tried once, when sent
    teacher.main.selectbox[0].set_value("exam").run()
    teacher.main.button[0].click().run()  # "Use this test set"
    assert not teacher.exception and leaderboard.test_set(hosted / "models").name == "exam"
    assert "exam" in teacher.sidebar.selectbox[1].options  # the teacher sees it
    while leaderboard.score_next(hosted / "models"):  # what the trainer does when idle
        pass
    _switch(ana, "leaderboard")
    assert not ana.exception and "exam" not in ana.sidebar.selectbox[1].options  # hidden from students now
    [table] = [d.value for d in ana.dataframe][:1]
    assert list(table[en("col.rank")]) == [1] and table[en("col.test_acc")].between(0, 1).all()


def test_a_students_own_newest_model_is_the_one_their_sidebar_selects(hosted):
    import shutil

    models = hosted / "models"
    [theirs] = runs.list_runs(models)
    ana = student("Ana")
    mine = models / "20000101-000000-mine"  # older than the other run: not the newest of the class
    shutil.copytree(theirs.path, mine)
    runs.update_status(mine, owner=identity_of(ana).id, owner_name="Ana")
    from webui.loaders import listed_runs

    listed_runs.clear()
    ana.run()
    run_picker = ana.sidebar.selectbox[2]
    assert run_picker.options[0] == theirs.id and run_picker.value == mine.name
    assert "Ana · 20000101-000000-mine" in run_picker.options


def test_the_curves_run_picker_says_whose_run_each_is(hosted):
    import shutil

    from webui.loaders import listed_runs

    models = hosted / "models"
    [theirs] = runs.list_runs(models)
    ana = student("Ana")
    mine = models / "29990101-000000-mine"
    shutil.copytree(theirs.path, mine)
    runs.update_status(mine, owner=identity_of(ana).id, owner_name="Ana")
    from webui.navigation import PAGES, ROOT

    listed_runs.clear()
    ana.switch_page(str(ROOT / PAGES["curves"].script)).run()
    assert not ana.exception
    [picker] = ana.multiselect
    assert "Ana · 29990101-000000-mine" in picker.options and theirs.id in picker.options
    table = ana.dataframe[0].value
    assert set(table[en("col.backbone")]) == {en(f"backbone.{theirs.config.backbone}")}
    assert set(table[en("col.final")]) == {f"{theirs.metrics['val_accuracy']:.3f}"}


def test_a_crash_on_a_shared_server_shows_students_no_traceback(hosted):
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    try:
        student("Ana")
        assert config.get_option("client.showErrorDetails") == "none"
    finally:
        config.set_option("client.showErrorDetails", before)


def test_a_student_deletes_all_their_data_from_the_sidebar_after_saying_they_are_sure(hosted):
    ana = student("Ana", "train")
    ana.button(key="start").click().run()
    assert [r for r in runs.list_runs(hosted / "models") if r.owner_name == "Ana"]
    assert ana.button(key="forget-me").disabled  # one careless click deletes nothing
    ana.checkbox(key="forget-sure").check().run()
    ana.button(key="forget-me").click().run()
    assert not ana.exception, [e.value for e in ana.exception]
    assert not [r for r in runs.list_runs(hosted / "models") if r.owner_name == "Ana"]
    assert any(en("who.forgotten", runs=1, datasets=0, collections=0) == s.value for s in ana.success)


def test_the_teacher_sets_the_classs_minutes_per_job_and_a_student_cannot(hosted):
    from catdog.classroom import rules

    ana = student("Ana", "train")
    assert not [n for n in ana.number_input if n.key == "class-job-minutes"]
    teacher = student("Prof", "train")
    teacher.text_input(key="teacher_code").set_value("owl-42")
    teacher.button(key="teacher-unlock").click().run()
    assert teacher.number_input(key="class-job-minutes").value == 10
    teacher.number_input(key="class-job-minutes").set_value(25).run()
    assert not teacher.exception and rules.job_minutes(hosted / "models") == 25
    assert [toast.value for toast in teacher.toast] == [en("train.job_minutes_saved", minutes=25)]


def test_a_student_whose_job_is_paused_for_a_turn_is_told_where_it_stopped_and_why(hosted):
    ana = student("Ana", "train")
    ana.button(key="start").click().run()
    [run] = [r for r in runs.list_runs(hosted / "models") if r.state == "queued"]
    runs.update_status(run.path, paused=123.0, progress={"phase": "training head", "fraction": 0.4,
                                                         "total_epochs": 3, "epoch": 2, "batch": 9, "batches": 20})
    from webui.loaders import listed_runs

    listed_runs.clear()  # the server reads the run folders once a second
    ana.run()
    assert en("job.paused", epoch=2, epochs=3) in [info.value for info in ana.info]
    assert [bar.value for bar in ana.get("progress")] == [40]
