"""structlog set-up: JSON lines in production, readable lines in a terminal."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from cinepass.config import Settings
from cinepass.request_context import add_request_id

# A signed media URL's signature lets whoever reads it play the file: logs never hold one.
_SIGNATURE = re.compile(r"(signature=)[^&\s\"']*", re.IGNORECASE)
# Loggers of the libraries that print request URLs: uvicorn's access log, httpx's requests.
_URL_LOGGERS = ("uvicorn.access", "uvicorn.error", "httpx", "httpcore")


def redact(text: str) -> str:
    """`text` with the value of every `signature=` parameter replaced."""
    return _SIGNATURE.sub(r"\1[redacted]", text)


def redact_event(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str) and "signature=" in value.lower():
            event[key] = redact(value)
    return event


class RedactSignatures(logging.Filter):
    """Redacts signatures in a standard-library record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(arg)) if "signature=" in str(arg).lower() else arg for arg in record.args
            )
        return True


def _redact_library_logs() -> None:
    for name in _URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSignatures) for f in logger.filters):
            logger.addFilter(RedactSignatures())


def configure_logging(settings: Settings) -> None:
    json_output = settings.logging.format == "json" or (
        settings.logging.format == "auto" and not sys.stderr.isatty()
    )
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    _redact_library_logs()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            add_request_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # Never log local variables: they hold passwords, API keys and tokens.
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            )
            if json_output
            else structlog.dev.set_exc_info,
            redact_event,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(settings.logging.level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
