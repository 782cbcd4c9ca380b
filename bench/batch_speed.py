"""Is `smbkit batch` faster than running `smbkit run` on each company one after another?

    python bench/batch_speed.py [--companies 20] [--workers N]

Generates companies with the sample generator (60 people, 7 waves, a different seed each), then
times `smbkit run` on each in turn and `smbkit batch` on all of them, each in a fresh process,
and prints the ratio batch / one-after-another (target <= 0.6 on 2 cores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from smbkit.synthetic import make_company


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {done.stderr[-500:]}")
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="batch workers (0 = smbkit's default)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for k in range(args.companies):
            make_company(tmp / "clients" / f"company_{k:02d}", people=60, waves=7, seed=1000 + k, name=f"Company {k:02d}")
        cli = [sys.executable, "-m", "smbkit.cli"]
        one_by_one = sum(_timed([*cli, "run", "--data", str(f), "--out", str(tmp / "seq" / f.name)])
                         for f in sorted((tmp / "clients").iterdir()))
        batch = _timed([*cli, "batch", str(tmp / "clients"), "--out", str(tmp / "batch")]
                       + (["--workers", str(args.workers)] if args.workers else []))
    print(f"{args.companies} companies one after another with smbkit run: {one_by_one:.1f} s")
    print(f"smbkit batch: {batch:.1f} s")
    print(f"ratio batch / one after another: {batch / one_by_one:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
