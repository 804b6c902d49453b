"""The class's rules the teacher sets on the server (classroom/rules.py)."""

from __future__ import annotations

import pytest

from catdog.access import Identity
from catdog.classroom import rules
from catdog.errors import CatdogError

TEACHER, STUDENT = Identity("t", "Prof. Rui", teacher=True), Identity("s", "Ana")


def test_the_teacher_raises_a_jobs_minutes_and_the_trainer_reads_it(models_dir, monkeypatch):
    from catdog.training.reporter import Reporter

    monkeypatch.setenv("CATDOG_HOSTED", "1")
    assert rules.job_minutes(models_dir) == 10  # the host's default
    rules.set_job_minutes(25, TEACHER, models_dir)
    assert rules.job_minutes(models_dir) == 25
    reporter = Reporter(models_dir, job_minutes=rules.job_minutes(models_dir))
    reporter._started -= 24 * 60
    assert not reporter.over_time()
    reporter._started -= 2 * 60
    assert reporter.over_time()


@pytest.mark.parametrize("minutes", [0, -5, 121, 1e9, True, "30", None])
def test_minutes_out_of_range_are_refused_and_change_nothing(models_dir, monkeypatch, minutes):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    with pytest.raises(CatdogError) as refused:
        rules.set_job_minutes(minutes, TEACHER, models_dir)
    assert refused.value.key == "out_of_range"
    assert rules.job_minutes(models_dir) == 10


def test_only_the_teacher_sets_the_class_rules(models_dir, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    for who in (STUDENT, None):
        with pytest.raises(CatdogError, match="Only the teacher"):
            rules.set_job_minutes(60, who, models_dir)
    assert rules.job_minutes(models_dir) == 10


def test_a_damaged_rules_file_falls_back_to_the_hosts_default(models_dir, monkeypatch):
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    models_dir.mkdir(parents=True)
    for text in ("[]", "{", '{"max_job_minutes": "lots"}', '{"max_job_minutes": 100000}'):
        (models_dir / rules.RULES).write_text(text)
        assert rules.job_minutes(models_dir) == 10


def test_a_laptop_has_no_job_limit_whatever_the_file_says(models_dir):
    models_dir.mkdir(parents=True)
    (models_dir / rules.RULES).write_text('{"max_job_minutes": 5}')
    assert rules.job_minutes(models_dir) == 0
