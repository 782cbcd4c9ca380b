"""How fast do the widgets of notebooks 02 and 04 recompute? Target: under 50 ms on the sample.

    python bench/widget_speed.py [--people 60] [--repeat 200]

Times `smbkit.widgets.demand_for_changes` (what a demand slider move runs) and
`smbkit.widgets.automation_for` (what an automation switch or share slider move runs) and prints
the median and the 95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import smbkit
from smbkit.synthetic import make_company
from smbkit.widgets import automation_basis, automation_for, demand_for_changes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=0, help="0 = the shipped sample; else a generated company")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = smbkit.sample_dir() if not args.people else make_company(tmp, people=args.people, waves=4)
        company = smbkit.load_company(folder)
    drivers = list(company.drivers["driver"])
    times = []
    for k in range(args.repeat):
        changes = {d: float((k * 7 + i * 13) % 120 - 20) for i, d in enumerate(drivers)}
        start = time.perf_counter()
        demand_for_changes(company, changes)
        times.append((time.perf_counter() - start) * 1000)
    people = len(smbkit.people.current_employees(company))
    _report(f"demand recompute for {people} people, {len(company.roles)} roles", times)
    basis = automation_basis(company)
    ids = list(company.automation_options["option_id"])
    times = []
    for k in range(args.repeat):
        chosen = [i for j, i in enumerate(ids) if (k >> (j % 8)) & 1 or j == k % len(ids)]
        start = time.perf_counter()
        automation_for(basis, chosen, 50 + (k * 5) % 100)
        times.append((time.perf_counter() - start) * 1000)
    _report(f"automation recompute for {len(ids)} options", times)


def _report(what, times):
    times = sorted(times)
    print(f"{what}: median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95) - 1]:.2f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
