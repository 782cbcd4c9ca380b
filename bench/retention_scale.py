"""Does notebook 05's retention section run on a 5,000-person company, and how long does it take?

    python bench/retention_scale.py [--people 5000] [--waves 8]

Generates a company with the sample generator, then times each retention and listening step.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import smbkit
from smbkit import listening, retention
from smbkit.synthetic import make_company


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--waves", type=int, default=8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        company = smbkit.load_company(make_company(tmp, people=args.people, waves=args.waves))
        print(f"generated and loaded {len(company.employees)} employee records in {time.perf_counter() - start:.1f} s")
    steps = {
        "retention curves": lambda: retention.retention_milestones(retention.retention_curves(company)),
        "Cox model": lambda: retention.leaving_factors(company),
        "risk model (5-fold CV)": lambda: retention.leave_risk(company),
        "belonging profiles": lambda: listening.belonging_profiles(company),
        "comment tone and themes": lambda: listening.comment_themes(company, listening.comment_sentiment(company)),
        "collaboration network": lambda: listening.network_summary(listening.collaboration_graph(company)),
    }
    total = 0.0
    for name, step in steps.items():
        start = time.perf_counter()
        step()
        took = time.perf_counter() - start
        total += took
        print(f"{name}: {took:.2f} s")
    print(f"all retention and listening steps: {total:.1f} s")


if __name__ == "__main__":
    main()
