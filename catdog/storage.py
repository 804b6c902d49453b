"""Files that readers never see half-written, and reads that survive a damaged file.

Every file catdog writes (run records, photos, feature shards, maps, converted extractors,
models) goes through `replacing`: it is written under a temporary name in the same folder and
renamed into place, so a reader sees the old file or the new one, never half of one, and a
write that fails (a full disk, a crash) leaves no partial file behind. Temporary names are
random, not a process id, so two processes (or two machines on a shared folder) never collide.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# mkstemp makes a file only its owner may read; a file renamed into place should have the mode
# any other new file of this process gets (a trainer of another user reads a shared KERAS_HOME).
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; once the block ends it replaces `path` in one
    rename, and if the block raises it is removed. It ends in `path`'s suffix, so writers that
    add a missing one (numpy's `savez`, Keras's `save`) keep its name."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.fchmod(handle, 0o666 & ~_UMASK)
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` whole, flushed to the disk before it takes the name."""
    with replacing(path) as temporary, open(temporary, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
        handle.flush()
        os.fsync(handle.fileno())


def write_json(path: Path, value) -> None:
    write_atomic(path, json.dumps(value, indent=2, default=str))


def read_json(path: Path):
    """The JSON in `path`, or None where there is no such file or it is not JSON (only a file from
    outside catdog can be half-written)."""
    try:
        return json.loads(Path(path).read_text())
    except (FileNotFoundError, IsADirectoryError, ValueError):  # ValueError: not JSON, or not UTF-8 text
        return None


@contextmanager
def locked(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold the lock `path` for the block: True while held, False at once if `blocking` is off and
    another holds it. `path` is a lock file (created if missing) or a folder, locked itself, which
    leaves no file in it. Between processes and between threads alike (each call opens it anew),
    and the kernel releases it when a holder dies, so a crash never leaves it taken. A check and
    the creation it guards (a quota and the new run) go under one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        descriptor = os.open(path, os.O_RDONLY)
        if not _can_lock(descriptor):  # NFS refuses flock on a folder: a lock file in it instead
            os.close(descriptor)
            with locked(path / ".lock", blocking) as held:
                yield held
            return
    else:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _can_lock(descriptor: int) -> bool:
    """Whether this file system locks what `descriptor` opened (a held lock says yes too)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return True


@contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """The folder (made if missing) locked for the block, waiting for any other holder."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    with locked(folder):
        yield
