"""Numbers and words for the sentences smbkit writes: money, and names made readable."""

from __future__ import annotations

import pandas as pd

__all__ = ["money", "label", "count"]


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
