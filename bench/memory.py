"""Peak memory of `smbkit run` on a company with 1,000,000 interactions and 100,000 survey answers.

    python bench/memory.py [--interactions 1000000] [--responses 100000] [--people 500] [--keep DIR]

A base company comes from the sample generator (`smbkit.synthetic.make_company`); rows are then
appended to its interactions.csv (ties between current employees, in the months it already
covers) and survey_responses.csv (answers in its waves and teams). `smbkit validate` and then
`smbkit run` (all notebooks) run on it in fresh processes while this script polls /proc every
0.2 s, summing the memory of the whole process tree (the command, its workers and their kernels).

Two sums are printed: resident set (RSS, counts pages that forked workers share once per
process, so it overstates) and proportional set (PSS, /proc/PID/smaps_rollup, shares each shared
page among the processes that map it: the honest figure for "memory the run needs"). The target
is a whole-run peak under 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from smbkit.synthetic import make_company

POLL_SECONDS = 0.2
GIB = 1024 ** 3


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/PID/stat (field 4 is the parent's id)."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:  # the process ended while we looked
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(root: int) -> list[int]:
    kids, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out


def _kib(path: str, field: str) -> int:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def measure(cmd: list[str], limit_gib: float | None = None) -> dict:
    """Run ``cmd``; its wall time, exit status and the peak RSS and PSS summed over its process tree.

    With ``limit_gib`` the run is stopped (SIGTERM, which `smbkit run` passes to its workers and
    kernels) once its tree's PSS passes that many GiB, so a bench never starves the machine.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = peak_one = peak_procs = 0
    stopped = False
    while proc.poll() is None:
        pids = _tree(proc.pid)
        rss = [_kib(f"/proc/{p}/status", "VmRSS:") for p in pids]
        pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
        peak_rss, peak_pss = max(peak_rss, sum(rss)), max(peak_pss, pss)
        peak_one, peak_procs = max(peak_one, max(rss, default=0)), max(peak_procs, len(pids))
        if limit_gib and pss * 1024 / GIB > limit_gib and not stopped:
            proc.terminate()
            stopped = True
        time.sleep(POLL_SECONDS)
    out, err = proc.communicate()
    return {"seconds": time.perf_counter() - start, "rc": proc.returncode, "rss": peak_rss * 1024 / GIB,
            "pss": peak_pss * 1024 / GIB, "largest": peak_one * 1024 / GIB, "processes": peak_procs, "stdout": out, "stderr": err,
            "stopped": stopped}


def grow(folder: Path, interactions: int, responses: int, seed: int = 16) -> None:
    """Append generated rows to the company's interactions.csv and survey_responses.csv."""
    rng = np.random.default_rng(seed)
    emp = pd.read_csv(folder / "employees.csv", dtype=str, keep_default_na=False)
    ids = emp.loc[emp["exit_date"] == "", "employee_id"].to_numpy()
    ties = pd.read_csv(folder / "interactions.csv", dtype=str, keep_default_na=False)
    periods = ties["period"].unique()
    add = interactions - len(ties)
    if add > 0:
        src = rng.integers(0, len(ids), add)
        dst = (src + rng.integers(1, len(ids), add)) % len(ids)  # never the same person
        more = pd.DataFrame({"source_id": ids[src], "target_id": ids[dst], "weight": rng.integers(1, 30, add),
                             "period": rng.choice(periods, add)})
        more.to_csv(folder / "interactions.csv", mode="a", header=False, index=False, lineterminator="\n")
    survey = pd.read_csv(folder / "survey_responses.csv", dtype=str, keep_default_na=False)
    add = responses - len(survey)
    if add > 0:
        more = survey.sample(n=add, replace=True, random_state=seed).reset_index(drop=True)
        items = pd.read_csv(folder / "survey_items.csv")["item_id"]
        for item in items:  # fresh answers, so the rows are not copies of each other
            more[item] = rng.integers(1, 6, add).astype(str)
        more["respondent_id"] = [f"B{k:07d}" for k in range(add)]
        more.to_csv(folder / "survey_responses.csv", mode="a", header=False, index=False, lineterminator="\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--keep", metavar="DIR", help="write the company (and the run's output) here and keep them")
    parser.add_argument("--limit-gib", type=float, default=8.0, help="stop a run whose process tree passes this (default: 8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        data, out = root / "company", root / "out"
        start = time.perf_counter()
        if not (data / "company.yaml").exists():
            make_company(data, people=args.people)
            grow(data, args.interactions, args.responses)
        sizes = {f: (data / f).stat().st_size / 1024 ** 2 for f in ("interactions.csv", "survey_responses.csv")}
        print(f"company of {args.people} people, {args.interactions:,} interactions ({sizes['interactions.csv']:.0f} MiB), "
              f"{args.responses:,} survey answers ({sizes['survey_responses.csv']:.0f} MiB), ready in {time.perf_counter() - start:.1f} s")
        smbkit = [sys.executable, "-m", "smbkit.cli"]
        for label, cmd in (("validate", [*smbkit, "validate", str(data)]),
                           ("run", [*smbkit, "run", "--data", str(data), "--out", str(out)])):
            m = measure(cmd, args.limit_gib)
            if m["stopped"]:
                print(f"smbkit {label}: stopped at the limit of {args.limit_gib:g} GiB")
            print(f"smbkit {label}: exit {m['rc']}, {m['seconds']:.1f} s; peak of the process tree: PSS {m['pss']:.2f} GiB, "
                  f"RSS {m['rss']:.2f} GiB (largest process {m['largest']:.2f} GiB, up to {m['processes']} processes)")
            if m["rc"] != 0:
                print(m["stderr"][-2000:], file=sys.stderr)
        print("target: the whole run under 2 GiB")


if __name__ == "__main__":
    main()
