import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import smbkit  # noqa: E402

SAMPLE = Path(smbkit.sample_dir())


@pytest.fixture(scope="session")
def sample():
    return smbkit.load_company(SAMPLE)


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of the sample company folder."""
    target = tmp_path / "company"
    shutil.copytree(SAMPLE, target)
    return target


def folder_digest(folder: Path) -> dict[str, str]:
    """Content hash of every file below a folder, to prove it was not modified."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_company(folder: Path, *, settings: dict | None = None, **tables: list[dict] | pd.DataFrame) -> Path:
    """Write a small company folder from Python values (rows as dicts)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = {"name": "Test Co", "as_of": "2025-12-31", "min_group_size": 5} | (settings or {})
    (folder / "company.yaml").write_text("".join(f"{k}: {v}\n" for k, v in conf.items()), encoding="utf-8")
    for name, rows in tables.items():
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def person(eid, team="A", role="Clerk", *, manager="", etype="full_time", fte=1.0, cost=50000, hire="2020-01-01",
           exit_date="", reason="", **extra):
    return {"employee_id": eid, "name": f"Name {eid}", "team": team, "role": role, "manager_id": manager,
            "employment_type": etype, "fte": fte, "annual_cost": cost, "hire_date": hire, "exit_date": exit_date,
            "exit_reason": reason, **extra}


def run_cli(*args, cwd=None):
    """Run the installed smbkit command in a fresh process, as a user would."""
    return subprocess.run([sys.executable, "-m", "smbkit.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)
