"""How often does a report single out something when nothing differs, and how often does it find a real difference?

    python bench/false_alarms.py [--companies 200] [--sizes 12 40 100] [--workers 2]

Generates plain companies (`smbkit.synthetic.make_plain_company`: every team alike, two survey
waves alike) of each size and counts the reports in which the evidence rule calls any comparison
clear: the family-wise false alarm rate, which Holm's procedure keeps at or under alpha (0.05).
Then, for each kind of planted difference, the share of companies of 200 people in which it is
found (the rule's power at that size). A calibration, not a timing: the numbers depend on the
seeds only.
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import smbkit
from smbkit.synthetic import PLANTS, make_plain_company

FAMILY = {"leave": "turnover", "absent": "absence", "unhappy": "team_belonging", "fall": "trend"}


def _one(job):
    folder, people, seed, plant = job
    warnings.simplefilter("ignore")
    c = smbkit.load_company(make_plain_company(Path(folder) / f"{people}-{seed}-{plant}", people=people,
                                               teams=max(1, min(4, people // 10)), seed=seed, plant=plant))
    ev = smbkit.evidence.report_evidence(c)
    clear = ev[ev["clear"]]
    if plant is None:
        return people, None, len(ev), len(clear) > 0
    return people, plant, len(ev), bool((clear["family"] == FAMILY[plant]).any())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 40, 100])
    parser.add_argument("--power-companies", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(args.workers) as pool:
        jobs = [(tmp, n, seed, None) for n in args.sizes for seed in range(args.companies)]
        jobs += [(tmp, 200, 10_000 + seed, plant) for plant in PLANTS for seed in range(args.power_companies)]
        results = list(pool.map(_one, jobs, chunksize=4))
    print(f"alpha = {smbkit.stats.ALPHA} (Holm over each report's comparisons)")
    for n in args.sizes:
        mine = [r for r in results if r[0] == n and r[1] is None]
        alarms = sum(r[3] for r in mine)
        print(f"null companies of {n:>3} people: {alarms}/{len(mine)} reports with any false alarm "
              f"({alarms / len(mine):.1%}); comparisons per report {min(r[2] for r in mine)}-{max(r[2] for r in mine)}")
    for plant in PLANTS:
        mine = [r for r in results if r[1] == plant]
        print(f"planted '{plant}' ({FAMILY[plant]}) in 200 people: found in {sum(r[3] for r in mine)}/{len(mine)}")


if __name__ == "__main__":
    main()
