"""Turn survey exports from Google Forms and SurveyMonkey into survey_responses.csv.

Question texts are matched to item_id through survey_items.csv (the text as people saw it).
Nothing that identifies a respondent is carried over: e-mail, IP address, names, respondent and
collector ids and timestamps are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._files import csv_records, read_input_file
from ._schema import MAX_CELL_CHARS, MAX_FILE_BYTES
from ._validation import Collector, InputError, Problem

__all__ = ["SurveyImport", "read_google_forms", "read_surveymonkey", "read_items", "AGREE_LABELS"]

# Answer labels of the usual agreement scales, mapped to 1..5 (both survey tools export labels
# when "actual answer text" is chosen).
AGREE_LABELS = {
    "strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "neutral": 3, "agree": 4, "strongly agree": 5,
}
SPECIAL = ("team", "enps", "comment", "consent")


@dataclass
class SurveyImport:
    """An imported wave: the rows in the contract's format and what was left out."""

    responses: pd.DataFrame
    ignored: list[str] = field(default_factory=list)  # export columns not carried over


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold().rstrip(" ?.:*")


def _read_bytes(path) -> bytes:
    """A file the user named, if it is a regular file within the size limit (a named pipe would make us wait for ever)."""
    path = Path(path)
    out = Collector()
    data = read_input_file(path, out, limit=MAX_FILE_BYTES)
    if data is None:
        raise InputError(path.parent, out.finish())
    return data


def _read_rows(path: Path) -> list[list[str]]:
    try:
        return csv_records(_read_bytes(path))
    except UnicodeDecodeError as e:
        raise InputError(Path(path).parent, [Problem(Path(path).name, None, None, f"bytes that are not UTF-8 text (at byte {e.start})",
                                                     "the CSV exactly as the survey tool exported it (UTF-8)")]) from None
    except ValueError as e:  # a cell longer than the csv module reads
        raise InputError(Path(path).parent, [Problem(Path(path).name, None, None, f"a cell that cannot be read ({e})",
                                                     f"at most {MAX_CELL_CHARS:,} characters in a cell")]) from None


def read_items(path) -> pd.DataFrame:
    """survey_items.csv as text for an import: ``item_id``, ``text`` and ``scale_max`` (a number, or missing).

    Raises
    ------
    InputError
        The file cannot be read, or lacks the columns item_id and text.
    """
    import io

    items = pd.read_csv(io.BytesIO(_read_bytes(path)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if not {"item_id", "text"} <= set(items.columns):
        raise InputError(Path(path).parent, [Problem(Path(path).name, 1, None, f"the columns {', '.join(map(repr, items.columns))}",
                                                     "the columns item_id and text (see smbkit dictionary)")])
    items["scale_max"] = pd.to_numeric(items.get("scale_max", pd.Series(dtype=str)).replace("", None), errors="coerce")
    return items


def _map_columns(headers: list[str], items: pd.DataFrame, columns: dict | None) -> dict[int, str]:
    by_text = {_norm(t): i for t, i in zip(items["text"], items["item_id"])} | {_norm(i): i for i in items["item_id"]}
    explicit = {_norm(k): v for k, v in (columns or {}).items()}
    mapping = {}
    for j, h in enumerate(headers):
        key = _norm(h)
        target = explicit.get(key) or by_text.get(key)
        if target is None and (key in SPECIAL or key.startswith("demo_")):
            target = key
        if target is not None:
            mapping[j] = target
    return mapping


def _convert(headers, rows, items: pd.DataFrame, *, wave, columns, source: str, first_row: int, labels) -> SurveyImport:
    mapping = _map_columns(headers, items, columns)
    problems = []
    missing = [i for i in items["item_id"] if i not in mapping.values()]
    for item in missing:
        text = items.loc[items["item_id"] == item, "text"].iloc[0]
        problems.append(Problem(source, first_row - 1, None, f"no column for item {item!r} ({text!r})",
                                "a column headed with the item's text exactly as in survey_items.csv, or a --map HEADER=item_id"))
    if "team" not in mapping.values():
        problems.append(Problem(source, first_row - 1, None, "no team column", "a column headed 'team', or --map 'Your question=team'"))
    scale = dict(zip(items["item_id"], items["scale_max"].fillna(5).astype(int)))
    label_map = {_norm(k): v for k, v in (labels or AGREE_LABELS).items()}
    out_rows = []
    for n, row in enumerate(rows, start=first_row):
        if not any(c.strip() for c in row):
            continue
        rec = {"wave": wave}
        for j, target in mapping.items():
            value = row[j].strip() if j < len(row) else ""
            if target in scale and value:
                number = _answer(value, label_map)
                if number is None or not (1 <= number <= scale[target]) or number != int(number):
                    problems.append(Problem(source, n, headers[j], repr(value), f"a whole number from 1 to {scale[target]} or an agreement label"))
                    continue
                value = int(number)
            elif target == "enps" and value:
                number = _answer(value, {})
                if number is None or not (0 <= number <= 10):
                    problems.append(Problem(source, n, headers[j], repr(value), "a whole number from 0 to 10"))
                    continue
                value = int(number)
            rec[target] = value
        out_rows.append(rec)
    if problems:
        raise InputError(Path(source).parent, problems)
    frame = pd.DataFrame(out_rows)
    order = ["wave", "team", *sorted(c for c in frame.columns if c.startswith("demo_")), *items["item_id"],
             *[c for c in ("enps", "comment", "consent") if c in frame.columns]]
    ignored = [h for j, h in enumerate(headers) if j not in mapping and h.strip()]
    return SurveyImport(frame[order], ignored)


def _answer(value: str, labels: dict):
    key = _norm(value)
    if key in labels:
        return labels[key]
    m = re.match(r"^(-?\d+(?:\.\d+)?)", value.strip())  # "4", "4 - agree", "10 (extremely likely)"
    return float(m.group(1)) if m else None


def read_google_forms(path, items: pd.DataFrame, *, wave, columns: dict | None = None, labels: dict | None = None) -> SurveyImport:
    """Read a Google Forms responses CSV (one header row of question titles).

    Parameters
    ----------
    path : str or Path
        The CSV downloaded from the form's Responses tab.
    items : DataFrame
        survey_items.csv as loaded (`Company.survey_items`).
    wave : str
        Date of the wave, YYYY-MM-DD.
    columns : dict, optional
        ``{question title: target}`` for questions that are not items, e.g.
        ``{"Which team are you in?": "team", "How likely ... recommend ...?": "enps"}``.
    labels : dict, optional
        Answer label -> number; default `AGREE_LABELS`.
    """
    rows = _read_rows(path)
    if not rows:
        raise InputError(Path(path).parent, [Problem(Path(path).name, None, None, "an empty file", "the responses CSV of the form")])
    return _convert(rows[0], rows[1:], items, wave=wave, columns=columns, source=Path(path).name, first_row=2, labels=labels)


def read_surveymonkey(path, items: pd.DataFrame, *, wave, columns: dict | None = None, labels: dict | None = None) -> SurveyImport:
    """Read a SurveyMonkey "All responses data" CSV export, which has two header rows.

    The first header row holds the question (written once over a matrix question's columns), the
    second the matrix row's statement or "Response"; a column's question is the statement when
    there is one, else the question. Parameters as in `read_google_forms`.
    """
    rows = _read_rows(path)
    if len(rows) < 2:
        raise InputError(Path(path).parent, [Problem(Path(path).name, None, None, "fewer than two header rows",
                                                     "the SurveyMonkey export with its two header rows")])
    top, sub = rows[0], rows[1]
    headers, last = [], ""
    for j in range(max(len(top), len(sub))):
        t = top[j].strip() if j < len(top) else ""
        s = sub[j].strip() if j < len(sub) else ""
        last = t or last
        generic = _norm(s) in ("", "response", "open-ended response", "other (please specify)")
        headers.append(last if generic else s)
    return _convert(headers, rows[2:], items, wave=wave, columns=columns, source=Path(path).name, first_row=3, labels=labels)
