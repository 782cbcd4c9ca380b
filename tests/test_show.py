"""What a notebook shows and saves: tables, formula-safe cells, hidden cells marked, warnings as sentences."""

import pandas as pd


def test_tables_neutralise_spreadsheet_formulas():
    from smbkit.show import safe_for_spreadsheet

    t = pd.DataFrame({"team": ["=HYPERLINK(1)", "+1", "@x", "Shop", "-2"], "n": [1, 2, 3, 4, -5]})
    out = safe_for_spreadsheet(t)
    assert out["team"].tolist() == ["'=HYPERLINK(1)", "'+1", "'@x", "Shop", "'-2"]
    assert out["n"].tolist() == [1, 2, 3, 4, -5]  # numbers are data, not formulas


def test_a_smbkit_warning_becomes_a_plain_note_on_the_page(monkeypatch):
    import warnings

    from smbkit import show
    from smbkit.errors import SmallSampleWarning, warn

    shown = []
    monkeypatch.setattr(show, "_display", lambda obj: shown.append(getattr(obj, "data", obj)))
    saved = warnings.showwarning
    try:
        page = show.Page("09_test")
        warn(SmallSampleWarning, "Only 4 people answered, so the change may be chance.")
        warn(SmallSampleWarning, "Only 4 people answered, so the change may be chance.")  # every time, not once
        with warnings.catch_warnings(record=True) as other:
            warnings.simplefilter("always")
            warnings.warn("not ours", RuntimeWarning, stacklevel=2)
    finally:
        warnings.showwarning = saved
    assert shown == ["*Read with care:* Only 4 people answered, so the change may be chance."] * 2
    assert page.notebook == "09_test" and [str(w.message) for w in other] == ["not ours"]


def test_html_table_marks_hidden_cells_and_escapes_text():
    from smbkit.show import html_table

    t = pd.DataFrame({"team": ["<b>A</b>", "B"], "score": [61.0, None], "hidden": [False, True]})
    out = html_table(t, min_size=5)
    assert "&lt;b&gt;A&lt;/b&gt;" in out and "<b>A</b>" not in out
    assert '<td class="smbkit-hidden">hidden' in out and "smaller than 5 people" in out
