"""The run cache: the company `smbkit run` validated, kept in its output folder while its notebooks run.

Five notebooks would otherwise check the same files five times. The cache holds names, so it
never outlives the run (`remove`), and it is only reused while the company folder is unchanged
(same file names, sizes and modification times, same smbkit version).
"""

from __future__ import annotations

import pickle
from pathlib import Path

__all__ = ["CACHE_FILE", "fingerprint", "write", "read", "remove"]

CACHE_FILE = Path(".smbkit") / "company.pickle"


def fingerprint(folder: Path) -> tuple:
    """What the company folder holds now: every file's name, size and modification time, and smbkit's version."""
    from . import __version__

    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(folder).iterdir() if p.is_file())
    return (str(Path(folder).resolve()), __version__, tuple(files))


def write(company, out_dir) -> Path:
    """Keep the validated ``company`` in ``out_dir`` for the notebooks of one run."""
    target = Path(out_dir) / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as f:
        pickle.dump((fingerprint(company.path), company), f, protocol=pickle.HIGHEST_PROTOCOL)
    return target


def read(out_dir, folder):
    """The company cached in ``out_dir`` if it was read from ``folder`` as the folder is now; else None."""
    cached = Path(out_dir) / CACHE_FILE
    folder = Path(folder)
    if not (cached.is_file() and folder.is_dir()):
        return None
    with open(cached, "rb") as f:
        stamp, company = pickle.load(f)
    return company if stamp == fingerprint(folder) else None


def remove(out_dir) -> None:
    """Delete the run's cached company (it holds names, which never stay in an output folder)."""
    target = Path(out_dir) / CACHE_FILE
    target.unlink(missing_ok=True)
    if target.parent.exists() and not any(target.parent.iterdir()):
        target.parent.rmdir()
