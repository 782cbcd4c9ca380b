"""Numbers and words for the sentences smbkit writes: money, names made readable, column headers."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["money", "label", "count", "header", "identifiers", "humanise", "GLOSSARY", "IDENTIFIER_COLUMNS"]


def money(value: float, currency: str) -> str:
    """Format an amount for prose: ``money(1234567, "USD") == "USD 1.23m"``.

    Examples
    --------
    >>> money(1234567, "USD")
    'USD 1.23m'
    >>> money(-45600, "EUR")
    '-EUR 46k'
    >>> money(950, "GBP")
    'GBP 950'
    """
    if pd.isna(value):
        return "unknown"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    if v >= 1e6:
        return f"{sign}{currency} {v / 1e6:.2f}m"
    if v >= 1e4:
        return f"{sign}{currency} {v / 1e3:.0f}k"
    return f"{sign}{currency} {v:,.0f}"


def label(name: str) -> str:
    """A name from the company's files as a label: underscores become spaces, the first letter a capital.

    Examples
    --------
    >>> label("store_transactions")
    'Store transactions'
    >>> label("demo_age_band")
    'Age band'
    """
    text = str(name).removeprefix("demo_").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# words whose plural is not the word with an s
_PLURALS = {"person": "people", "employee": "employees", "was": "were", "has": "have"}


def count(n, word: str, plural: str | None = None) -> str:
    """A number with its noun in the right number: ``count(1, "action") == "1 action"``.

    Examples
    --------
    >>> count(1, "employee"), count(3, "employee"), count(1, "person"), count(2, "person"), count(0, "comment")
    ('1 employee', '3 employees', '1 person', '2 people', '0 comments')
    """
    n = int(n)
    return f"{n} {word if n == 1 else (plural or _PLURALS.get(word, word + 's'))}"


# Columns of the input files whose values are names a company often types as identifiers
# ("bread_baking", "store_transactions", "ecommerce_platform"): skills, drivers, scenarios, roles,
# teams, task functions, tool categories and survey dimensions. Shown to an owner, such a name reads
# with spaces; the saved tables keep it as typed.
IDENTIFIER_COLUMNS = {"employees": ("team", "role", "employment_type", "work_mode", "exit_reason"),
                      "skills": ("skill",), "role_skills": ("role", "skill"), "roles": ("role", "driver"),
                      "drivers": ("driver", "unit"), "scenarios": ("scenario", "driver"), "driver_history": ("driver",),
                      "tasks": ("role", "function"), "automation_options": ("tool_category",),
                      "survey_items": ("dimension",), "survey_responses": ("team",), "learning": ("skill",),
                      "outcomes": ("team",)}
# a word made of lower-case parts joined by "_", not part of a longer word, a path or a file name
_SNAKE = re.compile(r"(?<![\w./\\-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w]|\.[A-Za-z]|/)")


def identifiers(company) -> frozenset[str]:
    """The snake_case names in a company's files (`IDENTIFIER_COLUMNS`), computed once per company.

    Examples
    --------
    >>> from smbkit.data import load_company, sample_dir
    >>> sorted(identifiers(load_company(sample_dir())))[:3]
    ['bread_baking', 'cake_decorating', 'catering_events']
    """
    def collect():
        found = set()
        for name, columns in IDENTIFIER_COLUMNS.items():
            table = company.tables.get(name)
            if table is None:
                continue
            for column in columns:
                if column in table.columns:
                    found.update(v for v in pd.unique(table[column].dropna().astype(str)) if _SNAKE.fullmatch(v))
        return frozenset(found)

    return company.remember("identifiers", collect)


def humanise(text: str, known, *, capital: bool = False) -> str:
    """``text`` with each of the ``known`` snake_case names written with spaces; with ``capital``, a name
    that starts the text starts with a capital. Other words, file names and paths stay as they are.

    Examples
    --------
    >>> humanise("Only E0002 holds bread_baking; see role_skills.csv", {"bread_baking", "role_skills"})
    'Only E0002 holds bread baking; see role_skills.csv'
    >>> humanise("food_safety *", {"food_safety"}, capital=True)
    'Food safety *'
    """
    def spaced(m):
        word = m.group(1)
        if word not in known:
            return word
        out = word.replace("_", " ")
        return out[:1].upper() + out[1:] if capital and m.start() == 0 else out

    return _SNAKE.sub(spaced, str(text))


# Column headers an owner reads, for the machine names of smbkit's tables (the CSVs keep the machine
# names); a name not listed is read with spaces, its unit put in brackets.
_HEADERS = {
    "fte": "FTE", "enps": "eNPS", "npv_3y": "NPV over 3 years", "npv_horizon": "NPV over the horizon",
    "mae": "typical miss", "mape_pct": "typical miss (%)", "tpr_pct": "leavers flagged (%)",
    "fpr_pct": "stayers flagged (%)", "auc": "AUC (0.5 = guessing)", "p_value": "chance it is noise (p)",
    "p_adjusted": "chance it is noise, adjusted (p)", "spearman": "rank correlation", "n": "count",
    "lo80": "low (80% range)", "hi80": "high (80% range)", "lo95": "low (95% range)", "hi95": "high (95% range)",
    "silhouette": "how distinct the group is (-1 to 1)", "mean_closeness": "average closeness (0 to 1)",
    "mps": "motivating potential", "roi_pct": "return on cost (%)", "hr": "hazard ratio", "sd": "spread (SD)",
    "ci_low": "low end of range", "ci_high": "high end of range", "alpha": "Cronbach's alpha",
}
_UNITS = {"pct": ("%", True), "fte": ("FTE", True), "year": ("year", False), "week": ("week", False),
          "months": ("months", True), "days": ("days", True), "hours": ("hours", True)}
_HEADERS.update({
    "latest_n": "people (latest)", "previous_n": "people (before)", "robust_z": "how unusual (robust z)",
    "p_below_flag": "chance it is noise (p)", "p_fell": "chance the fall is noise (p)",
    "p_vs_company": "chance it is noise, against the company (p)", "p_vs_history": "chance it is noise, against its past (p)",
    "gain_p_value": "chance the gain is noise (p)", "mean_compound": "average tone (-1 to 1)",
    "negative_roi": "loses money", "stay_1y_se": "stay 1 year, give or take", "one_time_cost": "one-off cost",
    "goal_id": "goal", "item_id": "question", "task_id": "task", "option_id": "option",
})


def header(name) -> str:
    """A table column's machine name as the header an owner reads: known names in words, a unit at
    the end in brackets ("gap_fte": "Gap (FTE)") or as a word after "per" ("hours_per_week").

    Examples
    --------
    >>> header("gap_fte"), header("mape_pct"), header("hours_saved_year"), header("demo_age_band"), header("fte")
    ('Gap (FTE)', 'Typical miss (%)', 'Hours saved per year', 'Age band', 'FTE')
    >>> header("hours_per_week"), header("cost_per_fte"), header("enps"), header("share_of_hours")
    ('Hours per week', 'Cost per FTE', 'eNPS', 'Share of hours')
    """
    name = str(name)
    text = _HEADERS.get(name)
    if text is None:
        words = name.removeprefix("demo_").split("_")
        unit = ""
        if len(words) > 1 and words[-1] in _UNITS:
            word, bracket = _UNITS[words[-1]]
            if words[-2] in ("per", "of", "to", "from", "in"):
                words[-1] = word
            else:
                words = words[:-1]
                unit = f" ({word})" if bracket else f" per {word}"
        base = "_".join(words)
        text = _HEADERS.get(base, base.replace("_", " ")) + unit
    return text if text[1:2].isupper() else text[:1].upper() + text[1:]


# The few terms that stay in the report, said once in plain words.
GLOSSARY = {
    "FTE": "full-time equivalent: a full-time person counts 1, a half-time person 0.5.",
    "eNPS": "employee Net Promoter Score: the share who would recommend working here (9-10 of 10) minus the share "
            "who would not (0-6), from -100 to 100.",
    "NPV": "net present value: money over the years counted in today's terms (later money is worth a little less).",
}
