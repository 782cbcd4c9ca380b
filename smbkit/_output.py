"""The output folder of a run: one run at a time, written aside, put in place as a whole.

``OUT/.smbkit/lock``        held (``flock``) by the run writing OUT; a second run is refused. The
                            operating system lets go of it when its process ends, however it ends,
                            so the lock of a killed run is simply taken over.
``OUT/.smbkit/run-PID/``    the staging folder: notebooks, tables, workbook and report are written
                            here, and OUT keeps the last complete output until the run is done.
``OUT/INCOMPLETE-RUN.txt``  present only while the finished run's files replace the old ones (a few
                            renames); if smbkit is stopped in between, it says so.
``OUT/.smbkit/manifest.json``  the files smbkit put in OUT, so that the next run replaces exactly
                            those: a file of your own in OUT (or in OUT/tables) is never moved,
                            deleted or made a sheet of tables.xlsx.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._runner import process_started
from .errors import UsageError

__all__ = ["OutputLock", "Output", "INCOMPLETE_FILE", "LOCK_FILE", "MANIFEST_FILE", "OWNED_FILES", "owned_files"]

HIDDEN = ".smbkit"
LOCK_FILE = Path(HIDDEN) / "lock"
MANIFEST_FILE = Path(HIDDEN) / "manifest.json"
INCOMPLETE_FILE = "INCOMPLETE-RUN.txt"
# Files at these places are smbkit's in any output folder, whatever the manifest says
OWNED_FILES = ("report.html", "brief.html", "report.pdf", "tables.xlsx", "errors.txt", "logs/kernels.log", INCOMPLETE_FILE)
# An output folder from before the manifest: these names are smbkit's (NN_name notebooks and their tables)
_OWNED_PATTERNS = (re.compile(r"^notebooks/\d\d_[a-z0-9_]+\.ipynb$"), re.compile(r"^tables/\d\d_[a-z0-9_]+__[a-z0-9_]+\.csv$"))
INCOMPLETE_TEXT = """\
smbkit was putting the files of a finished run in place here when it was stopped ({when}).
What this folder holds now may mix files of two runs. Run smbkit again into this folder: it
replaces every file it wrote and leaves your own files alone.
"""


class OutputLock:
    """The lock of one output folder, held until `release` (or the end of the process).

    Raises
    ------
    UsageError
        Another smbkit process holds it; the message names the lock file and that process.
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            self._take()
        except BaseException:
            os.close(self._fd)
            self._fd = None
            raise
        me = {"pid": os.getpid(), "started": process_started(os.getpid()), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(me).encode("utf-8"), 0)

    def _take(self) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): the lock file's process id decides
            return self._take_by_pid()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(self._refusal()) from None

    def _take_by_pid(self) -> None:
        holder = self._holder()
        pid = holder.get("pid")
        if isinstance(pid, int) and pid != os.getpid():
            try:
                os.kill(pid, 0)
            except OSError:  # gone: a stale lock, taken over
                return
            raise UsageError(self._refusal())

    def _holder(self) -> dict:
        try:
            data = json.loads(os.pread(self._fd, 4096, 0).decode("utf-8") or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _refusal(self) -> str:
        h = self._holder()
        who = f"process {h['pid']}, running since {h.get('since', '?')}" if "pid" in h else "another process"
        return (f"another smbkit run ({who}) is writing into {self.path.parent.parent}; its lock is {self.path}. "
                "Wait for it to end, or choose another output folder")

    @property
    def held(self) -> bool:
        """True until `release`."""
        return self._fd is not None

    def release(self) -> None:
        """Let the next run in (closing the file lets go of the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def owned_files(out_dir: Path) -> set[str]:
    """Paths (relative, with /) of the files smbkit put in ``out_dir``: its manifest, else its naming patterns."""
    out_dir = Path(out_dir)
    manifest = out_dir / MANIFEST_FILE
    if manifest.is_file():
        try:
            listed = set(json.loads(manifest.read_text(encoding="utf-8")).get("files", []))
        except (OSError, ValueError, AttributeError):
            listed = None
        if listed is not None:
            return {p for p in listed if _safe_relative(p)} | set(OWNED_FILES)
    found = set(OWNED_FILES)
    for sub in ("notebooks", "tables"):
        if (out_dir / sub).is_dir():
            found |= {f"{sub}/{p.name}" for p in (out_dir / sub).iterdir() if any(r.match(f"{sub}/{p.name}") for r in _OWNED_PATTERNS)}
    return found


def _safe_relative(p: str) -> bool:
    """A manifest entry is a plain relative path inside the folder (a tampered manifest cannot reach out)."""
    parts = Path(p).parts
    return bool(parts) and not Path(p).is_absolute() and ".." not in parts and parts[0] != HIDDEN


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Output:
    """An output folder being written by one run: locked, with its staging folder.

    `open` it, write everything into ``staging``, then `commit` (the staged files replace the
    ones smbkit wrote before) or `abandon` (OUT stays as it was).
    """

    out_dir: Path
    staging: Path
    lock: OutputLock
    created: bool  # the run made OUT (then an abandoned run leaves nothing behind)
    committed: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, out_dir) -> Output:
        """Lock ``out_dir`` (made if needed) and make a fresh staging folder in it.

        Raises
        ------
        UsageError
            OUT is a file, cannot be made or written to, or another run holds its lock.
        """
        out_dir = Path(out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"the output folder {out_dir} is a file; choose a folder (new or one smbkit wrote before)")
        created = not out_dir.exists()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            lock = OutputLock(out_dir)
        except OSError as e:
            raise UsageError(f"cannot write into the output folder {out_dir}: {e.strerror or e}; "
                             "choose a folder you may write to") from None
        try:
            hidden = out_dir / HIDDEN
            for old in hidden.iterdir():  # staging and trash of runs that were stopped: the lock is ours now
                if old.is_dir() and old.name.startswith(("run-", "old-")):
                    shutil.rmtree(old, ignore_errors=True)
            staging = hidden / f"run-{os.getpid()}"
            staging.mkdir(mode=0o700)
        except BaseException:
            lock.release()
            raise
        return cls(out_dir, staging, lock, created)

    def staged_files(self) -> list[str]:
        """The files written into staging (relative paths), the run's own hidden files left out."""
        return sorted(p.relative_to(self.staging).as_posix() for p in self.staging.rglob("*")
                      if p.is_file() and p.relative_to(self.staging).parts[0] != HIDDEN)

    def commit(self) -> list[str]:
        """Put the staged files in place of the ones smbkit wrote before; returns the files now in OUT.

        Each file moves by a rename; while they move, `INCOMPLETE_FILE` says so, and the manifest
        already lists old and new files, so a run stopped in the middle is marked and cleaned by
        the next one.
        """
        out, new = self.out_dir, self.staged_files()
        old = owned_files(out) - {INCOMPLETE_FILE}
        marker = out / INCOMPLETE_FILE
        _write_atomically(marker, INCOMPLETE_TEXT.format(when=time.strftime("%Y-%m-%d %H:%M:%S")))
        _write_atomically(out / MANIFEST_FILE, json.dumps({"files": sorted(old | set(new))}, indent=1))
        trash = out / HIDDEN / f"old-{os.getpid()}"
        for rel in sorted(old):
            if (out / rel).is_file() or (out / rel).is_symlink():
                (trash / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(out / rel, trash / rel)
        for rel in new:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / rel, out / rel)
        _write_atomically(out / MANIFEST_FILE, json.dumps({"files": new}, indent=1))
        marker.unlink()
        for sub in ("notebooks", "tables", "logs"):  # folders left empty by old files (never one holding yours)
            if (out / sub).is_dir() and not any((out / sub).iterdir()):
                (out / sub).rmdir()
        shutil.rmtree(trash, ignore_errors=True)
        self._drop_staging()
        self.committed = new
        return new

    def abandon(self) -> None:
        """Drop the staged files; OUT keeps what it held (nothing at all if this run made it). Once is enough."""
        if not self.lock.held:  # committed or abandoned already
            return
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created and not any(p.name != HIDDEN for p in self.out_dir.iterdir()):
            shutil.rmtree(self.out_dir, ignore_errors=True)  # still locked: no other run can have begun in it
        self.lock.release()

    def _drop_staging(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.lock.release()
