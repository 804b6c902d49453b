"""One rule for every name a student or an archive gives: datasets, collections, classes, and the
folders and files inside a zip.

A name is refused, never silently rewritten, when it could hide (a leading `.` or `_`: the data
root's own places and the folders catdog skips), confuse (a control or invisible character, a
line break in a class name that becomes two lines of `class_names`), break a file system (a
path separator, too many bytes), or take a name catdog reads otherwise (`train`, `downloads`,
`.owners`). Names are compared in Unicode NFC and without case, so "café" typed on a Mac and on
Windows, or `Cats` and `cats`, are one name.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from catdog.errors import CatdogError

MAX_LENGTH = 40  # characters a dataset or class name may have (it is shown in pickers and charts)
MAX_ENTRY_BYTES = 200  # a folder or file name inside a zip, in UTF-8 (file systems allow 255)
# Folders a dataset root or a dataset reads otherwise: splits, the sample's download folder, and
# the data root's own records (also hidden by their dot, named here so the message can say so).
RESERVED = frozenset({"train", "validation", "test", "downloads", ".owners", ".collections", ".import"})
# Names Windows cannot create: a dataset made here would not unzip on a student's laptop.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                             *(f"lpt{n}" for n in range(1, 10))})
# Unicode categories no name may contain: controls, format characters (zero-width spaces, bidi
# overrides), line and paragraph separators, private use, surrogates and unassigned code points.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
PUNCTUATION = frozenset("-_ .()'+,&")


# What makes a name confuse or hide, as opposed to one merely unusual (long, a `#` in it): a folder
# already on disk with such a name is kept out of every list, and shown to the teacher to delete.
HIDING = frozenset({"empty", "invisible", "separator", "ends", "hidden"})


class NameKind(StrEnum):
    DATASET = "dataset"  # a dataset or a collection (a collection becomes the dataset of its name)
    CLASS = "class"
    ENTRY = "entry"  # a folder or file inside a zip


def comparable(name: str) -> str:
    """The form two names are compared in: NFC, without case."""
    return unicodedata.normalize("NFC", name).casefold()


def problem(name: str, kind: NameKind) -> str | None:
    """What is wrong with `name` (a word for the message), or None where it follows the rule."""
    if not isinstance(name, str) or not name:
        return "empty"
    name = unicodedata.normalize("NFC", name)  # judged as stored: "café" typed on a Mac is "café"
    if any(unicodedata.category(character) in FORBIDDEN_CATEGORIES for character in name):
        return "invisible"
    if "/" in name or "\\" in name or name in (".", ".."):
        return "separator"
    if name != name.strip() or name.endswith("."):  # Windows drops a trailing dot: "cats." would be "cats"
        return "ends"
    if name[0] in "._" or (kind is not NameKind.ENTRY and name[0] == "-"):
        return "hidden"
    if kind is NameKind.ENTRY:
        return "long" if len(name.encode()) > MAX_ENTRY_BYTES else None
    if len(name) > MAX_LENGTH:
        return "long"
    if not all(character.isalnum() or character in PUNCTUATION or unicodedata.category(character).startswith("M")
               for character in name):  # letters with the accents no precomposed letter has
        return "character"
    folded = comparable(name)
    if folded in RESERVED or folded.split(".")[0] in WINDOWS_DEVICES:
        return "reserved"
    return None


def check_name(name: str, kind: NameKind) -> str:
    """`name` in NFC if it follows the rule; else a CatdogError saying what is wrong and what a
    name may be. The name is shown with its invisible characters escaped (`ca\\nts`)."""
    found = problem(name, kind)
    if found is None:
        return unicodedata.normalize("NFC", name)
    shown = repr(name)[1:-1] if isinstance(name, str) else repr(name)
    params = dict(name=shown[:80], problem=found, length=MAX_LENGTH,
                  reserved=", ".join(sorted(name for name in RESERVED if not name.startswith("."))))
    if kind is NameKind.DATASET:
        raise CatdogError("dataset_name_refused", **params)
    if kind is NameKind.CLASS:
        raise CatdogError("class_name_refused", **params)
    raise CatdogError("entry_name_refused", **params)
