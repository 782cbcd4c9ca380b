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


def test_run_cache_is_owner_only_and_has_no_name_while_the_run_holds_it(tmp_path, sample):
    import stat

    handle = runcache.write(sample, tmp_path / "out")
    try:
        assert not (tmp_path / "out" / runcache.CACHE_FILE).exists()  # nothing under the output folder holds names
        where = (tmp_path / "out" / runcache.POINTER_FILE).read_text(encoding="utf-8").split()[0]
        assert stat.S_IMODE(os.stat(where).st_mode) == 0o600
        assert runcache.read(tmp_path / "out", sample.path) is not None
    finally:
        handle.remove()
    assert not os.path.exists(where) and runcache.read(tmp_path / "out", sample.path) is None
