"""How fast is `smbkit run` on the sample company, against the floor set by the stack itself?

The baseline is papermill running, one after another, five notebooks that only import the stack
(pandas, matplotlib, seaborn, statsmodels, ipywidgets, smbkit): the least any five-notebook run
can cost. Both are measured in this one process tree, in the same run, alternating so that
background load falls on both alike; each side reports its best of ``--repeat``.

    python bench/run_speed.py [--repeat 3]

Prints both times and the ratio smbkit / baseline (lower is better; the target is <= 0.9).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from smbkit._runner import kernel_manager_class
from smbkit.data import sample_dir

IMPORTS = "import pandas, matplotlib.pyplot, seaborn, statsmodels.api, ipywidgets, smbkit"


def baseline(work: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = work / "imports.ipynb"
    nbformat.write(nb, str(src))
    start = time.perf_counter()
    for k in range(5):
        papermill.execute_notebook(str(src), str(work / f"imports_{k}.ipynb"), kernel_name="python3", progress_bar=False,
                                   kernel_manager_class=kernel_manager_class(work / "baseline.log"))
    return time.perf_counter() - start


def smbkit_run(work: Path, k: int) -> float:
    out = work / f"out{k}"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "smbkit.cli", "run", "--data", str(sample_dir()), "--out", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bases, runs = [], []
        for k in range(args.repeat):
            bases.append(baseline(work))
            runs.append(smbkit_run(work, k))
        base, run = min(bases), min(runs)
    print(f"baseline (5 import-only notebooks, sequential): {base:6.2f} s")
    print(f"smbkit run on the sample (5 notebooks + report): {run:6.2f} s")
    print(f"ratio smbkit / baseline: {run / base:.2f}  (target <= 0.9)")


if __name__ == "__main__":
    main()
