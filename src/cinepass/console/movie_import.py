"""The import route's side of cinepass.movies.importing: the body by its media type, the report."""

from __future__ import annotations

from typing import Any

from cinepass.console.schemas import ImportReportOut, RowError
from cinepass.errors import BadRequest, UnsupportedMediaType
from cinepass.movies.importing import (
    COLUMNS,
    HeaderProblem,
    ImportReport,
    Row,
    import_movies,
    parse_csv,
    parse_json,
)

__all__ = ["DESCRIPTION", "REQUEST_BODY", "import_movies", "report_out", "rows_of"]

DESCRIPTION = (
    "The same validation and per-row report as `cinepass admin movies import`. A film already"
    " in the catalogue (same title, ignoring case and accents, and same year) is skipped, so"
    " that importing twice adds nothing; with `update=true` it is changed to match its row."
    f" CSV: a header row naming the columns ({', '.join(COLUMNS)}; tags may be left out),"
    " tags separated by '|'. A wrong header is one 400 naming the missing and unknown columns;"
    " a bad row is reported in `errors` (rows numbered from 1, the header not counted) and the"
    " others are imported. The body is limited as every body is (413)."
)

_CSV = "text/csv"
_JSON = "application/json"
REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            _JSON: {
                "schema": {
                    "type": "array",
                    "description": "Movie objects as POST /api/movies takes them; each row is"
                    " checked on its own, and one that is no movie (or no object) is reported",
                    "items": {},
                },
                "example": [
                    {
                        "title": "El ángel exterminador",
                        "year": 1962,
                        "cover": "https://example.org/posters/angel.svg",
                        "description": "Los invitados de una cena no pueden salir del salón.",
                        "duration": 95,
                        "contentRating": "NR",
                        "source": "https://example.org/media/angel.mp4",
                        "tags": ["drama"],
                    }
                ],
            },
            _CSV: {"schema": {"type": "string", "description": "UTF-8 CSV with a header row"}},
        },
    }
}


def rows_of(content_type: str | None, body: bytes) -> list[Row]:
    """The body's rows, validated; a body that is no list of rows at all is a 400."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in (_CSV, _JSON):
        raise UnsupportedMediaType(f"send the movies as {_CSV} or as an {_JSON} array")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8 text") from None
    try:
        if media_type == _CSV:
            return parse_csv(text, "the CSV")
        return parse_json(text, "the body")
    except HeaderProblem as exc:
        raise BadRequest(f"{exc}; {exc.hint}") from None
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        created=report.created,
        updated=report.updated,
        skipped=report.skipped,
        errors=[RowError(row=number, message=message) for number, message in report.errors],
    )
