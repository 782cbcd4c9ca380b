"""The seeded generator of fictional companies, and the sample bakery it writes."""

import pytest
from conftest import SAMPLE

import smbkit
from smbkit.synthetic import make_company


def test_generator_is_seeded_and_reproduces_the_sample(tmp_path):
    make_company(tmp_path / "again")
    for path in SAMPLE.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_generator_scales(tmp_path):
    c = smbkit.load_company(make_company(tmp_path / "big", people=300, waves=5, seed=1))
    assert len(smbkit.people.current_employees(c)) == 300
    assert c.survey_responses["wave"].nunique() == 5
    with pytest.raises(ValueError, match="at least 20"):
        make_company(tmp_path / "tiny", people=5)


def test_sample_meets_the_brief(sample):
    cur = smbkit.people.current_employees(sample)
    assert 40 <= len(cur) <= 80
    years = (sample.settings.as_of - sample.employees["hire_date"].min()).days / 365.25
    assert years >= 3 and sample.employees["exit_date"].notna().sum() > 10
    assert (cur.groupby("team").size() < sample.settings.min_group_size).any()
    assert set(sample.scenarios["scenario"]) == {"growth", "moderate", "downturn"}
    assert sample.driver_history["month"].nunique() >= 24
    assert sample.goals["parent_goal_id"].notna().any()
    assert sample.survey_responses["wave"].nunique() >= 4
    assert sample.survey_responses["comment"].notna().any() and sample.survey_responses["enps"].notna().any()
    assert set(sample.survey_items["scale_max"]) == {5}
