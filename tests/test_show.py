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
    monkeypatch.setattr(show, "_display", lambda obj, key=False: shown.append(getattr(obj, "data", obj)))
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


HOSTILE_SENTENCE = ('The team <img src="https://x.test/p.png" onerror="alert(1)">Retail leads; ![x](https://x.test/y.png) next, '
                    "then [link](javascript:alert(1)), *bold* `code` ~~gone~~ $x$ www.x.test a@x.test https://x.test\n\n# heading")


def _shown_markdown(monkeypatch, act):
    from smbkit import show

    shown = []
    monkeypatch.setattr(show, "_display", lambda obj, key=False: shown.append(obj.data))
    act(show.Page("09_test"))
    return shown


def _render(markdown: str) -> str:
    """Markdown as the report renders it (nbconvert's mistune renderer)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def test_page_says_data_as_text_that_renders_as_nothing_live(monkeypatch):
    import html
    import re

    [markdown] = _shown_markdown(monkeypatch, lambda page: page.say(HOSTILE_SENTENCE))
    rendered = _render(markdown)
    assert not re.search(r"<(img|a|script|em|strong|code|del|h1)\b", rendered), rendered
    text = html.unescape(re.sub(r"</?p>", "", rendered)).strip()
    assert text == " ".join(HOSTILE_SENTENCE.split())  # shown exactly as written, on one line


def test_smbkits_own_markdown_still_renders_around_escaped_data(monkeypatch):
    shown = _shown_markdown(monkeypatch, lambda page: (page.check(False, "team <b>X</b> has *no* answers"),
                                                        page.note("only _3_ people in [x](https://x.test)")))
    skipped, note = (_render(m) for m in shown)
    assert "<strong>Skipped:</strong> team &lt;b&gt;X&lt;/b&gt; has *no* answers." in skipped
    assert note == "<p><em>Read with care:</em> only _3_ people in [x](https://x.test)</p>\n"


def test_notes_about_the_data_are_shown_at_the_top_of_every_page(monkeypatch, tmp_path):
    from conftest import ITEMS4, person, response, write_company

    import smbkit

    items = [dict(i, dimension="belonging_index") if i["item_id"] == "c1" else i for i in ITEMS4]
    company = smbkit.load_company(write_company(tmp_path / "c", employees=[person("A")], survey_items=items,
                                                survey_responses=[response("Shop", 4, 1, 7, 10)]))
    assert company.survey_items["dimension"].tolist() == ["respect", "respect", "belonging_index (dimension)"]
    from smbkit import show

    shown = []
    monkeypatch.setattr(show, "_display", lambda obj, key=False: shown.append(obj.data))
    show.Page("09_test", company=company)
    assert len(shown) == 1 and shown[0].startswith("**About your data:** Your survey has a dimension named 'belonging\\_index'")


def test_spreadsheet_safety_covers_headers_and_mixed_columns():
    from smbkit.show import safe_for_spreadsheet

    t = pd.DataFrame({"team": ["Shop"], "=HYPERLINK(\"x\")": [1.0], "mixed": pd.Series(["@x"], dtype=object), "-n": [-1]})
    out = safe_for_spreadsheet(t)
    assert list(out.columns) == ["team", "'=HYPERLINK(\"x\")", "mixed", "'-n"]
    assert out["mixed"].tolist() == ["'@x"] and out["'-n"].tolist() == [-1]


def test_an_ampersand_shows_as_typed_and_an_entity_typed_in_a_name_stays_text():
    import html

    from smbkit.show import escape_markdown

    assert escape_markdown("Rosemary & Rye") == "Rosemary & Rye"
    for typed in ("Tom &lt;b&gt; & Co", "A &#60;script&#62;"):
        assert html.unescape(_render(escape_markdown(typed)).removeprefix("<p>").removesuffix("</p>\n")) == typed


def test_a_page_shows_no_empty_table_no_empty_chart_and_names_a_missing_file_once(monkeypatch, tmp_path):
    import matplotlib.pyplot as plt
    from conftest import person, write_company

    import smbkit
    from smbkit import show

    shown = []
    monkeypatch.setattr(show, "_display", lambda obj, key=False: shown.append((getattr(obj, "data", obj), key)))
    monkeypatch.setattr(show, "_display_bundle", lambda data, key=False: shown.append((data, key)))
    company = smbkit.load_company(write_company(tmp_path / "c", employees=[person(f"E{k}") for k in range(6)]))
    page = show.Page("01_assess_workforce", tmp_path / "out", company)
    listed = [text for text, key in shown if key == show.SUMMARY_ONLY]
    assert len(listed) == 1 and "`skills.csv`" in listed[0] and "`absences.csv`" in listed[0]  # the list, at the top
    before = len(shown)
    assert not page.needs("skills") and not page.needs("skills") and not page.needs("absences")
    assert len(shown) == before  # named in the list already: no note per section
    page.table(pd.DataFrame({"team": pd.Series([], dtype=str)}), "empty")
    _, ax = plt.subplots()
    page.chart(ax)  # nothing drawn on it
    assert len(shown) == before and (tmp_path / "out" / "tables" / "01_assess_workforce__empty.csv").exists()  # saved, not shown
    page.check(False, "too few answers")
    page.check(False, "too few answers")
    assert [t for t, _ in shown[before:]] == ["**Skipped:** too few answers."]  # one reason, said once
    page.table(pd.DataFrame({"skill_name": ["bread_baking"], "gap_fte": [1.5]}), "gaps")
    html = shown[-1][0]._repr_html_()
    assert '<details class="detail"><summary>Gaps (1 row)</summary>' in html and "<th>Gap (FTE)</th>" in html
