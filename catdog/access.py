"""Who may change what, on a server a class shares (hosted mode).

Everyone sees every run: comparing is the lesson. Changing one (cancelling, deleting) is
for its owner and the teacher. The check lives here, in the core, so a hidden button is
never the only thing that stands between one student and another's work. With no
identity (a single user on a laptop, the CLI), everything is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from catdog.errors import CatdogError


@dataclass(frozen=True)
class Identity:
    id: str  # a random token kept by the browser (or the login's subject): never shown, never guessable
    name: str = ""  # what the student typed, shown beside their runs
    teacher: bool = False


def may_change(who: Identity | None, owner: str | None) -> bool:
    """True if `who` may cancel or delete something owned by `owner`."""
    return who is None or who.teacher or (owner is not None and owner == who.id)


def check_may_change(who: Identity | None, owner: str | None, owner_name: str, run: str = "",
                     dataset: str = "") -> None:
    """Refuse `who` changing a run (or a `dataset`) that is not theirs, naming whose it is."""
    if not may_change(who, owner):
        if dataset:
            raise CatdogError("not_your_dataset", dataset=dataset, owner=owner_name or "?")
        raise CatdogError("not_your_run", run=run, owner=owner_name or "?")
