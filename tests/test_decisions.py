"""What to decide: the table's order, its sentence and the brief's rule."""

import pandas as pd
import pytest

from smbkit import decisions as D


def test_decisions_table_orders_by_priority_and_keeps_order_within():
    t = D.decisions_table([("low", "c", ""), ("high", "a", ""), ("medium", "b", ""), ("high", "a2", "")])
    assert t["action"].tolist() == ["a", "a2", "b", "c"]
    with pytest.raises(ValueError, match="priority must be one of"):
        D.decisions_table([("urgent", "x", "")])


def test_decision_brief_rule(tmp_path):
    from smbkit.report import read_decisions

    cols = ["priority", "action", "why", "cost", "effect", "risk", "risk_level", "value", "need"]
    rows = {"01_a": [("high", "a1", "", "low", "", "x"), ("high", "a2", "", "high", "", ""), ("high", "a3", "", "low", "", ""),
                     ("medium", "a4", "", "low", "", "")],
            "02_b": [("medium", "b1", "", "low", "", "")],
            # c1 raises the same need as a1 but is riskier: a1 is kept, c1 dropped
            "03_c": [("high", "c1", "", "medium", "900", "x"), ("high", "c2", "", "low", "100", ""), ("high", "c3", "", "low", "50", ""),
                     ("low", "c4", "", "low", "5000", "")]}
    for nb, actions in rows.items():
        pd.DataFrame([(p, a, "why", "", "", "", lvl, v, need) for p, a, _, lvl, v, need in actions],
                     columns=cols).to_csv(tmp_path / f"{nb}__what_to_decide.csv", index=False)
    tables = read_decisions(tmp_path)
    assert sorted(tables) == ["01_a", "02_b", "03_c"]
    brief = D.decision_brief(tables)
    # high first; within high, lower risk first and then money (c2 100, c3 50, then a1 and a3, which cannot be put in
    # money; a2, high risk, is over 01's cap of two); then medium (a4 over 01's cap); never low, however much it is worth
    assert brief["action"].tolist() == ["c2", "c3", "a1", "a3", "b1"]
    assert D.BRIEF_PER_NOTEBOOK == 2 and D.BRIEF_SIZE == 7 and D.decision_brief(read_decisions(tmp_path / "none")).empty
