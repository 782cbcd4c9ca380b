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

    rows = {"01_a": [("high", "a1"), ("high", "a2"), ("medium", "a3")], "02_b": [("medium", "b1")],
            "03_c": [("high", "c1"), ("low", "c2")]}
    for nb, actions in rows.items():
        pd.DataFrame([(p, a, "why", "", "", "") for p, a in actions],
                     columns=["priority", "action", "why", "cost", "effect", "risk"]).to_csv(tmp_path / f"{nb}__what_to_decide.csv", index=False)
    tables = read_decisions(tmp_path)
    assert sorted(tables) == ["01_a", "02_b", "03_c"]
    brief = D.decision_brief(tables)
    assert brief["action"].tolist() == ["a1", "c1", "a2", "a3", "b1"]  # first high of each, other highs, mediums; never low
    assert D.BRIEF_SIZE == 7 and D.decision_brief(read_decisions(tmp_path / "none")).empty
