"""The class's own rules, set by the teacher on the server: for now, a job's minutes on the trainer.

The host sets the default (`CATDOG_MAX_JOB_MINUTES`, 10 in hosted mode); the teacher may raise or
lower it for the class (a long fine-tuning lesson, a busy exam), within 1..`MOST_JOB_MINUTES`. Kept
in `<models>/.class-rules.json`; the trainer reads it at each turn a job takes, so a change holds
for jobs already under way from their next turn.
"""

from __future__ import annotations

from pathlib import Path

from catdog import storage
from catdog.access import Identity
from catdog.errors import CatdogError
from catdog.settings import limits, models_root

RULES = ".class-rules.json"
MOST_JOB_MINUTES = 120


def job_minutes(models_dir=None) -> float:
    """A job's minutes on the trainer before it ends with its best weights; 0: no limit (a laptop)."""
    default = limits().max_job_minutes
    if not default:
        return 0.0
    chosen = storage.read_json(Path(models_dir or models_root()) / RULES)
    minutes = chosen.get("max_job_minutes") if isinstance(chosen, dict) else None
    valid = isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and 1 <= minutes <= MOST_JOB_MINUTES
    return float(minutes) if valid else default


def set_job_minutes(minutes, who: Identity | None, models_dir=None) -> float:
    """The teacher's choice of a job's minutes, for every job from its next turn on."""
    if who is None or not who.teacher:
        raise CatdogError("teacher_only_job_minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 1 <= minutes <= MOST_JOB_MINUTES:
        raise CatdogError("out_of_range", name="max_job_minutes", value=minutes, low=1, high=MOST_JOB_MINUTES)
    root = Path(models_dir or models_root())
    root.mkdir(parents=True, exist_ok=True)
    storage.write_json(root / RULES, {"max_job_minutes": minutes, "set_by": who.name})
    return float(minutes)
