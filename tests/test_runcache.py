"""The run cache: reused only while the company folder is unchanged, removed at the end of a run."""

import os

import pytest

import smbkit
from smbkit import runcache


def test_run_cache_is_reused_only_while_the_folder_is_unchanged(tmp_path, sample_copy):
    company = smbkit.load_company(sample_copy)
    out = tmp_path / "out"
    runcache.write(company, out)
    assert smbkit.load_company(sample_copy, run_cache=out).employees.equals(company.employees)
    emp = sample_copy / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    os.utime(emp, ns=(1, 1))  # even with an old time stamp, the size changed
    with pytest.raises(smbkit.InputError):
        smbkit.load_company(sample_copy, run_cache=out)  # validated again, not taken from the cache
    runcache.remove(out)
    assert not (out / runcache.CACHE_FILE).exists() and not (out / runcache.CACHE_FILE).parent.exists()
