import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smbkit import privacy


def _table(counts, within=None):
    t = pd.DataFrame({"group": [f"g{i}" for i in range(len(counts))], "n": counts, "score": [float(c) * 1.5 for c in counts]})
    if within is not None:
        t["wave"] = within
    return t


def test_suppress_hides_small_groups_and_their_complement():
    out = privacy.suppress(_table([10, 4, 6, 20]), count="n", by=["group"], min_size=5)
    assert out["hidden"].tolist() == [False, True, True, False]
    assert out.loc[1, "score"] is pd.NA or pd.isna(out.loc[1, "score"])
    assert out.loc[0, "n"] == 10  # visible rows keep their values
    assert out["group"].tolist() == ["g0", "g1", "g2", "g3"]  # labels stay


def test_suppress_keeps_hiding_until_the_hidden_total_is_safe():
    # 1 and 2 are both under 5 and together only 3: the next smallest (6) must go too
    out = privacy.suppress(_table([1, 2, 6, 9]), count="n", by=["group"], min_size=5)
    assert out["hidden"].tolist() == [True, True, True, False]


def test_suppress_hides_nothing_when_every_group_is_large():
    out = privacy.suppress(_table([5, 7, 9]), count="n", by=["group"], min_size=5)
    assert not out["hidden"].any()


def test_suppress_within_treats_each_wave_separately():
    t = _table([10, 2, 8, 9, 9, 9], within=["w1"] * 3 + ["w2"] * 3)
    out = privacy.suppress(t, count="n", by=["group"], within=["wave"], min_size=5)
    assert out["hidden"].tolist() == [False, True, True, False, False, False]


def test_suppress_refuses_a_threshold_below_three():
    with pytest.raises(ValueError, match="at least 3; got: 2"):
        privacy.suppress(_table([5]), count="n", by=["group"], min_size=2)


def test_suppress_names_a_missing_count_column():
    with pytest.raises(ValueError, match="count column 'people'"):
        privacy.suppress(_table([5]), count="people", by=["group"], min_size=5)


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12),
       k=st.integers(min_value=3, max_value=10))
def test_no_small_group_is_shown_or_derivable_by_subtraction(counts, k):
    out = privacy.suppress(_table(counts), count="n", by=["group"], min_size=k)
    visible = pd.Series(counts)[~out["hidden"].to_numpy()]
    hidden = pd.Series(counts)[out["hidden"].to_numpy()]
    # no visible group is between 1 and k-1 people
    assert not ((visible > 0) & (visible < k)).any()
    # total - visible = the hidden groups together: that sum must itself be 0 or at least k,
    # unless every group with people is hidden (then only the total is left, which describes everyone)
    if (visible > 0).any():
        assert hidden.sum() == 0 or hidden.sum() >= k
    # hidden rows carry no figures at all
    assert out.loc[out["hidden"], ["n", "score"]].isna().all().all()
    # only as much is hidden as needed: every visible group is at least k (or empty)
    assert ((visible == 0) | (visible >= k)).all()


def test_person_labels_use_names_only_when_allowed():
    emp = pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["Ann Lee", None]})
    assert privacy.person_labels(emp, show_names=False).tolist() == ["E1", "E2"]
    assert privacy.person_labels(emp, show_names=True).tolist() == ["Ann Lee", "E2"]


def test_scrubbing_names_is_fast_and_whole_word():
    from smbkit import privacy

    words = privacy.name_words([f"Person{k} Surname{k}" for k in range(3)] + ["Anna Berg", "Bo Li"])
    assert privacy.scrub_names("Thanks ANNA, not Annabel; Bo2 and bo.", words) == "Thanks [name], not Annabel; Bo2 and [name]."


def test_scrub_names():
    from smbkit.privacy import scrub_names

    assert scrub_names("Thanks to maria and Tom Okafor!", ["Maria Silva", "Tom Okafor"]) == "Thanks to [name] and [name] [name]!"
    assert scrub_names("Tomorrow", ["Tom Okafor"]) == "Tomorrow"


def test_hidden_rows_keep_a_protection_interval_on_the_amount_they_add_up_to():
    """By hand: teams of 3 and 2 people are hidden together (5 people), but their 2 days absent in all (the
    published total less the shown team) would say each of the 3 had at most 2/3 of a day. A day a person of doubt
    needs a larger pool: the 10-person team is hidden too (52 days), and nothing is left to subtract."""
    t = pd.DataFrame({"team": ["a", "b", "c", "d"], "people": [3, 2, 10, 12], "days": [1.0, 1.0, 50.0, 30.0]})
    plain = privacy.suppress(t, count="people", by=["team"], min_size=5)
    assert plain["hidden"].tolist() == [True, True, False, False]
    days = (privacy.Amount("days", width=0.0, per_person=1.0),)
    guarded = privacy.suppress(t, count="people", by=["team"], min_size=5, amounts=days)
    assert guarded["hidden"].tolist() == [True, True, True, False]
    hidden_total = t["days"].sum() - guarded.loc[~guarded["hidden"], "days"].sum()
    assert hidden_total >= 1.0 * t.loc[guarded["hidden"].to_numpy(), "people"].max()
    # where the pool is already large enough nothing more is hidden
    t.loc[0, "days"] = 9.0
    assert privacy.suppress(t, count="people", by=["team"], min_size=5, amounts=days)["hidden"].tolist() == [
        True, True, False, False]


def test_a_hidden_pool_where_nobody_was_favourable_is_widened_until_it_pins_nobody():
    """By hand: teams of 2 and 3 respondents are hidden together; neither had a promoter, so the wave's promoters less
    the shown teams' (0) would say so of each. The next team joins them (its 4 promoters leave each hidden team 0..2 or
    0..3), unless the whole wave had no promoter, which every shown team then says too."""
    t = pd.DataFrame({"team": ["a", "b", "c", "d"], "n": [2, 3, 6, 9], "promoters": [0, 0, 4, 2]})
    promoters = (privacy.Amount("promoters", cap="n"),)
    assert privacy.suppress(t, count="n", by=["team"], min_size=5)["hidden"].tolist() == [True, True, False, False]
    assert privacy.suppress(t, count="n", by=["team"], min_size=5, amounts=promoters)["hidden"].tolist() == [
        True, True, True, False]
    nobody = t.assign(promoters=0)
    assert privacy.suppress(nobody, count="n", by=["team"], min_size=5, amounts=promoters)["hidden"].tolist() == [
        True, True, False, False]
    # everybody a promoter in the hidden pool pins it as well
    full = t.assign(promoters=[2, 3, 1, 1])
    assert privacy.suppress(full, count="n", by=["team"], min_size=5, amounts=promoters)["hidden"].tolist() == [
        True, True, True, False]


def test_rare_categories_that_are_enough_together_are_shown_as_one_group():
    """By hand: 2 + 2 + 1 rare answers make a group of 5 shown as one, named by all three; alone each would be hidden.
    Per wave: a wave whose rare answers stay under 5 together keeps them apart, for suppression to hide."""
    g = pd.Series(["man"] * 20 + ["woman"] * 12 + ["non-binary"] * 2 + ["prefer not to say"] * 2 + ["not recorded"] * 1
                  + ["man"] * 9 + ["woman"] * 8 + ["non-binary"] * 2 + ["not recorded"] * 1)
    wave = pd.Series(["w1"] * 37 + ["w2"] * 20)
    out = privacy.combine_rare(g, 5, within=wave)
    assert out[wave == "w1"].value_counts().to_dict() == {"man": 20, "woman": 12, "non-binary + not recorded + prefer not to say": 5}
    assert out[wave == "w2"].value_counts().to_dict() == {"man": 9, "woman": 8, "non-binary": 2, "not recorded": 1}
    # the whole table: shown groups and their total give nothing smaller than 5 away
    t = out[wave == "w1"].value_counts().rename_axis("g").reset_index(name="n")
    assert not privacy.suppress(t, count="n", by=["g"], min_size=5)["hidden"].any()


def test_a_hidden_pool_no_larger_than_what_its_listed_groups_must_hold_is_widened():
    """By hand (k = 3): teams of 2 and 1 respondents hide each other (3 together), but the crossed table lists 2 cells
    for the first and 1 for the second, so the pool of 3 can only split 2 + 1. The next team joins them (pool 7)."""
    t = pd.DataFrame({"team": ["a", "b", "c", "d"], "n": [2, 1, 4, 9], "listed": [2, 1, 1, 2]})
    floors = (privacy.Amount("n", floor="listed"),)
    assert privacy.suppress(t, count="n", by=["team"], min_size=3)["hidden"].tolist() == [True, True, False, False]
    assert privacy.suppress(t, count="n", by=["team"], min_size=3, amounts=floors)["hidden"].tolist() == [
        True, True, True, False]
