"""Running one notebook on one kernel: warm kernels forget, hung kernels are replaced, retries are bounded."""


import pytest

from smbkit import _runner


def test_a_warm_kernel_forgets_the_previous_notebook(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", "import os\nimport matplotlib.pyplot as plt\nsecret = 42\nplt.figure()\n"
                  "print(os.getpid(), len(plt.get_fignums()))")
    b = _notebook(tmp_path / "b.ipynb", "import os\nimport sys\nimport matplotlib.pyplot as plt\n"
                  "print(os.getpid(), 'secret' in dir(), len(plt.get_fignums()), 'matplotlib' in sys.modules)")
    (tmp_path / "out").mkdir()
    try:
        ra = _runner.execute(a, tmp_path / "out" / "a.ipynb", {}, warm=True)
        rb = _runner.execute(b, tmp_path / "out" / "b.ipynb", {}, warm=True)
    finally:
        _runner.shutdown_warm()
    assert ra["ok"] and rb["ok"], (ra, rb)
    count_a, (pid_a, figs_a) = _outputs(tmp_path / "out" / "a.ipynb")
    count_b, (pid_b, secret, figs_b, imported) = _outputs(tmp_path / "out" / "b.ipynb")
    assert pid_a == pid_b and figs_a == "1"  # the same kernel process ...
    assert (secret, figs_b, imported) == ("False", "0", "True")  # ... without the names and figures, modules kept
    assert count_a == count_b == 1  # numbered as on a new kernel
    assert not _runner.has_warm_kernel()


@pytest.mark.parametrize("warm", [False, True])
def test_a_hung_kernel_is_retried_on_a_fresh_kernel(tmp_path, warm):
    marker = tmp_path / "first-try"
    src = _notebook(tmp_path / "hang_once.ipynb",
                    f"import pathlib, time\np = pathlib.Path({str(marker)!r})\nfirst = not p.exists()\np.touch()\n"
                    "time.sleep(60 if first else 0)")
    (tmp_path / "out").mkdir()
    try:
        result = _runner.execute(src, tmp_path / "out" / "hang_once.ipynb", {}, cell_timeout=4, warm=warm)
    finally:
        _runner.shutdown_warm()
    assert result["ok"], result["error"]


def test_a_kernel_that_keeps_hanging_fails_with_a_clear_message(tmp_path):
    src = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(60)")
    (tmp_path / "out").mkdir()
    result = _runner.execute(src, tmp_path / "out" / "hang.ipynb", {}, cell_timeout=2)
    assert not result["ok"]
    assert f"could not run after {_runner.KERNEL_START_ATTEMPTS} tries (a cell ran longer than the cell timeout of 2 seconds)" in result["error"]


def _notebook(path, source):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _outputs(path):
    import nbformat

    cell = nbformat.read(str(path), as_version=4).cells[0]
    return cell.execution_count, "".join(o.get("text", "") for o in cell.outputs).split()
