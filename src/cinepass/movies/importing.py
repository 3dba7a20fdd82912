"""Reading movie rows from JSON or CSV files and validating each one."""

from __future__ import annotations

import csv
import io
import json
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cinepass import problems
from cinepass.movies.schemas import MovieCreate

_INT_FIELDS = {"year", "duration"}


@dataclass(frozen=True)
class Row:
    number: int
    movie: MovieCreate | None
    problem: str | None


def _describe(error: ValidationError) -> str:
    return "; ".join(problems.describe(e, problems.dotted(e["loc"])) for e in error.errors())


def _from_csv(text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        for name in _INT_FIELDS & row.keys():
            # Left as text when not a number: validation reports it with the field's name.
            with suppress(ValueError):
                row[name] = int(row[name])
        if "tags" in row:
            row["tags"] = [t.strip() for t in str(row["tags"]).split("|") if t.strip()]
        rows.append(row)
    return rows


def read_rows(path: Path) -> list[Row]:
    """Every row of a .json (array of objects) or .csv (tags split by '|') file, validated."""
    text = path.read_text("utf-8-sig")
    if path.suffix.lower() == ".csv":
        try:
            raw_rows: list[Any] = _from_csv(text)
        except csv.Error as exc:
            raise ValueError(f"{path} is not valid CSV: {exc}") from None
    else:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(parsed, list):
            raise ValueError(f"{path} must hold a JSON array of movie objects")
        raw_rows = parsed
    rows: list[Row] = []
    for number, raw in enumerate(raw_rows, start=1):
        try:
            rows.append(Row(number, MovieCreate.model_validate(raw), None))
        except ValidationError as exc:
            rows.append(Row(number, None, _describe(exc)))
    return rows
