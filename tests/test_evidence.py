"""The evidence rule as a whole, on generated companies: no team, group or trend is singled out when nothing differs,
false alarms across a report stay within alpha, and a large planted difference is found."""

import pandas as pd
import pytest

import smbkit
from smbkit import evidence as E

GROUP_FAMILIES = {"turnover", "absence", "team_belonging", "team_history", "trend", "team_risk", "fairness"}


def _company(folder, **kw):
    return smbkit.load_company(smbkit.synthetic.make_plain_company(folder, **kw))


def _group_actions(company):
    ev = E.report_evidence(company)
    w = smbkit.workforce.workforce_decisions(company, evidence=ev)
    b = smbkit.belonging.belonging_decisions(company, evidence=ev)
    return ev, pd.concat([w, b], ignore_index=True)


@pytest.mark.parametrize("people", [5, 12, 40])
def test_no_team_is_singled_out_when_every_team_holds_the_same_data(tmp_path, people):
    c = _company(tmp_path / "same", people=people, teams=max(1, min(4, people // 5)), identical=True)
    ev, actions = _group_actions(c)
    assert not ev.loc[ev["family"].isin(GROUP_FAMILIES), "clear"].any()
    teams = set(c.employees["team"])
    assert not actions["action"].apply(lambda a: any(t in a for t in teams)).any()


def test_false_alarms_across_a_whole_report_stay_within_alpha(tmp_path):
    # 40 null companies of 40 people: Holm over each report's comparisons keeps the chance that a report raises any
    # false alarm at or under alpha = 5%; 6 or more alarming reports out of 40 would happen by chance 1.4% of the time
    alarming = []
    for seed in range(40):
        ev = E.report_evidence(_company(tmp_path / f"null{seed}", seed=seed))
        group = ev[ev["family"].isin(GROUP_FAMILIES | {"key_driver", "leaving_factor"})]
        assert len(group) >= 8  # the report really makes many comparisons
        alarming.append(bool(group["clear"].any()))
    assert sum(alarming) <= 5


@pytest.mark.parametrize(("plant", "family"), [("leave", "turnover"), ("absent", "absence"), ("unhappy", "team_belonging"),
                                                ("fall", "trend")])
def test_a_large_planted_difference_is_found(tmp_path, plant, family):
    c = _company(tmp_path / plant, people=200, seed=1, plant=plant)
    ev = E.report_evidence(c)
    found = ev[ev["clear"] & (ev["family"] == family)]
    assert len(found), ev[ev["family"] == family][["subject", "p_value", "p_adjusted"]]
    if family != "trend":
        assert set(found["subject"]) == {"Team A"}  # the planted team, and only it
    others = ev[ev["clear"] & ev["family"].isin(GROUP_FAMILIES - {family, "team_history"})]
    assert others.empty, others[["family", "subject", "p_adjusted"]]


def test_notebook_evidence_is_the_reports_gate_cut_by_notebook(tmp_path):
    c = _company(tmp_path / "c", seed=3)
    ev = E.report_evidence(c)
    assert E.report_evidence(c) is ev  # computed once per company
    parts = [E.notebook_evidence(c, nb) for nb in ("01", "05")]
    assert sum(map(len, parts)) == len(ev)
    # Holm over the whole report: a notebook's adjusted p-values are those of the report, not of the notebook alone
    five = parts[1]
    assert (five["p_adjusted"].to_numpy() >= five["p_value"].to_numpy()).all()
    assert five["p_adjusted"].to_numpy() == pytest.approx(ev.loc[ev["notebook"] == "05", "p_adjusted"].to_numpy())
