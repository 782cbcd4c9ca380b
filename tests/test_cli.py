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
