"""The smbkit command: exit statuses and messages for command lines it cannot carry out."""

import pytest
from conftest import SAMPLE, run_cli


@pytest.mark.parametrize("args, message", [
    (["--notebooks", "07"], "unknown notebook '07'"),
    (["-p", "colour=blue"], "unknown parameter 'colour'"),
    (["-p", "novalue"], "is not NAME=VALUE"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["-p", "scenario=boom"], "unknown scenario 'boom'; the scenarios are growth, moderate, downturn"),
])
def test_bad_command_lines_exit_2(tmp_path, args, message):
    result = run_cli("run", "--data", SAMPLE, "--out", tmp_path / "out", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("make", ["file", "under a file", "in /proc"])
def test_an_output_folder_that_cannot_be_one_exits_2(tmp_path, make):
    target = {"file": tmp_path / "taken", "under a file": tmp_path / "taken" / "out", "in /proc": "/proc/1/smbkit-out"}[make]
    (tmp_path / "taken").write_text("mine\n", encoding="utf-8")
    result = run_cli("run", "--data", SAMPLE, "--out", target, "--notebooks", "01")
    assert result.returncode == 2, result.stderr
    assert "output folder" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine\n"
