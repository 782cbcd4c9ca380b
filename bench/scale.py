"""How does the whole run scale? A 5,000-person company with 24 survey waves against the sample.

    python bench/scale.py [--people 5000] [--waves 24]

Runs `smbkit run` (all five notebooks) on the shipped sample and on a company made by the sample
generator, each in a fresh process, and prints both times, their ratio (target <= 2) and the peak
memory of the largest process of each run, which is a notebook's kernel (target < 1.5 GiB).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import smbkit
from smbkit.synthetic import make_company


def _run(data: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of the largest descendant of one `smbkit run` in a fresh child."""
    code = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "r = subprocess.run([sys.executable, '-m', 'smbkit.cli', 'run', '--data', sys.argv[1], '--out', sys.argv[2]])\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n")
    done = subprocess.run([sys.executable, "-c", code, str(data), str(out)], capture_output=True, text=True, check=True)
    seconds, peak_kib, rc = done.stdout.split()[-3:]
    if rc != "0":
        raise SystemExit(f"smbkit run failed on {data}: {done.stderr[-500:]}")
    return float(seconds), int(peak_kib) / 1024 ** 2


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--waves", type=int, default=24)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        big = make_company(tmp / "big", people=args.people, waves=args.waves)
        print(f"generated {args.people} people, {args.waves} waves in {time.perf_counter() - start:.1f} s")
        small_s, small_mem = _run(Path(smbkit.sample_dir()), tmp / "out_sample")
        big_s, big_mem = _run(big, tmp / "out_big")
    print(f"sample run: {small_s:.1f} s, largest process {small_mem:.2f} GiB")
    print(f"{args.people}-person run: {big_s:.1f} s, largest process {big_mem:.2f} GiB (target < 1.5 GiB)")
    print(f"ratio large / sample: {big_s / small_s:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
