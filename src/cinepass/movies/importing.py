"""Reading movie rows from JSON or CSV files, validating each one, and the natural key (title
and year) by which a film already in the catalogue is recognised."""

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
from cinepass.text import search_key

_INT_FIELDS = {"year", "duration"}
# A CSV's columns: the body's JSON names, as the API documents them.
COLUMNS = [field.alias or name for name, field in MovieCreate.model_fields.items()]
REQUIRED_COLUMNS = [
    field.alias or name for name, field in MovieCreate.model_fields.items() if field.is_required()
]


class HeaderProblem(ValueError):
    """A CSV header that names columns wrongly: what is missing and what is unknown, at once."""

    def __init__(self, path: Path, missing: list[str], unknown: list[str]):
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(repr(name) for name in unknown)}")
        super().__init__(f"the header row of {path} is wrong: {'; '.join(parts)}")
        self.hint = f"name the columns {', '.join(COLUMNS)} (tags may be left out), spelled as here"


def natural_key(title: str, year: int) -> tuple[str, int]:
    """Which film a row is: its title as search compares it (case and accents aside) and year,
    so that "Fantômas" (1913) and "FANTOMAS" (1913) are one film, and a remake is another."""
    return " ".join(search_key(title).split()), year


@dataclass(frozen=True)
class Row:
    number: int
    movie: MovieCreate | None
    problem: str | None


def _describe(error: ValidationError) -> str:
    return "; ".join(
        problems.describe(e, problems.dotted(e["loc"]) or None, whole="the row")
        for e in error.errors()
    )


def _check_header(path: Path, header: list[str] | None) -> None:
    named = [name.strip() for name in header or [] if name.strip()]
    missing = [name for name in REQUIRED_COLUMNS if name not in named]
    unknown = [name for name in named if name not in COLUMNS]
    if missing or unknown:
        raise HeaderProblem(path, missing, unknown)


def _from_csv(path: Path, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    reader = csv.DictReader(io.StringIO(text))
    _check_header(path, list(reader.fieldnames or []))
    for raw in reader:
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
            raw_rows: list[Any] = _from_csv(path, text)
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
