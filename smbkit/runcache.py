"""The run cache: the company `smbkit run` validated, shared with the notebooks of that run only.

Five notebooks would otherwise check the same files five times. The cache holds names, so it must
never outlive the run, even one that is killed. Where the system allows it (Linux), the pickle is
a file without a name: it is created readable by its owner only (0600), unlinked at once, and
kept open by the run; the notebooks' kernels read it through ``/proc/<run>/fd/<n>``, which the
pointer file ``.smbkit/company.ref`` names. When the run's process ends, however it ends, the
system frees the file. Elsewhere it is an ordinary 0600 file that `remove` deletes.

It is only reused while the company folder is unchanged (same file names, sizes and modification
times, same smbkit version).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from ._runner import process_started

__all__ = ["CACHE_FILE", "POINTER_FILE", "RunCache", "fingerprint", "write", "read", "remove"]

CACHE_FILE = Path(".smbkit") / "company.pickle"
POINTER_FILE = Path(".smbkit") / "company.ref"


def fingerprint(folder: Path) -> tuple:
    """What the company folder holds now: every file's name, size and modification time, and smbkit's version."""
    from . import __version__

    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(folder).iterdir() if p.is_file())
    return (str(Path(folder).resolve()), __version__, tuple(files))


@dataclass
class RunCache:
    """The cache of one run; `remove` ends it."""

    out_dir: Path
    fd: int | None = None  # the open, nameless pickle (Linux)

    def remove(self) -> None:
        """Forget the cached company: close the nameless file (the system frees it), delete any named one."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        remove(self.out_dir)


def _nameless() -> bool:
    return Path(f"/proc/{os.getpid()}/fd").is_dir()


def write(company, out_dir) -> RunCache:
    """Keep the validated ``company`` for the notebooks of one run whose output goes to ``out_dir``."""
    hidden = Path(out_dir) / CACHE_FILE.parent
    hidden.mkdir(parents=True, exist_ok=True)
    target = Path(out_dir) / CACHE_FILE
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    target.unlink(missing_ok=True)
    fd = os.open(target, flags, 0o600)  # owner only, from the first byte
    nameless = _nameless()
    if nameless:
        os.unlink(target)  # before a single name is written: it exists only while the run holds it open
    with os.fdopen(os.dup(fd), "wb") as f:
        pickle.dump((fingerprint(company.path), company), f, protocol=pickle.HIGHEST_PROTOCOL)
    if not nameless:
        os.close(fd)
        return RunCache(Path(out_dir))
    pointer = Path(out_dir) / POINTER_FILE
    pointer.write_text(f"/proc/{os.getpid()}/fd/{fd} {process_started(os.getpid())}\n", encoding="utf-8")
    return RunCache(Path(out_dir), fd)



def read(out_dir, folder):
    """The company cached for ``out_dir`` if it was read from ``folder`` as the folder is now; else None.

    A cache whose run has ended is gone, and the caller validates the folder itself.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return None
    pointer = Path(out_dir) / POINTER_FILE
    if pointer.is_file():
        where, _, started = pointer.read_text(encoding="utf-8").strip().partition(" ")
        parts = where.split("/")  # /proc/PID/fd/N, written by `write`
        if len(parts) != 5 or parts[:2] != ["", "proc"] or parts[3] != "fd" or process_started(parts[2]) != started:
            return None  # not a run's open file, or that run has ended (its id may now be another process's)
        source = Path(where)
    else:
        source = Path(out_dir) / CACHE_FILE
    try:
        with open(source, "rb") as f:
            stamp, company = pickle.load(f)
    except (FileNotFoundError, PermissionError):  # the run ended: its file went with it
        return None
    return company if stamp == fingerprint(folder) else None


def remove(out_dir) -> None:
    """Delete the run's cache files in ``out_dir`` (the pointer, or the named pickle where there is no /proc)."""
    for name in (CACHE_FILE, POINTER_FILE):
        (Path(out_dir) / name).unlink(missing_ok=True)
    hidden = Path(out_dir) / CACHE_FILE.parent
    if hidden.exists() and not any(hidden.iterdir()):
        hidden.rmdir()
