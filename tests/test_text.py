"""Numbers and words in sentences."""

import pandas as pd

from smbkit import text


def test_money_formats_for_prose():
    assert text.money(1234567, "USD") == "USD 1.23m"
    assert text.money(52290, "EUR") == "EUR 52k"
    assert text.money(950, "GBP") == "GBP 950"
    assert text.money(-20000, "USD") == "-USD 20k"


def test_label_makes_a_files_name_readable():
    assert text.label("store_transactions") == "Store transactions"
    assert text.label("demo_age_band") == "Age band"  # the demo_ prefix is the contract's, not the owner's
    assert text.label("Deliveries") == "Deliveries" and text.label("") == ""


def test_sentences_say_one_of_a_thing_in_the_singular():
    from smbkit.signals import turnover_takeaway

    one = pd.DataFrame([{"team": "All", "leavers": 1, "rate_pct": 10.0, "average_headcount": 10.0, "voluntary": 1}])
    assert "1 employee left" in turnover_takeaway(one)
    assert "2 employees left" in turnover_takeaway(one.assign(leavers=2))
