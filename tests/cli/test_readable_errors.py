"""The CLI's refusals name what a person typed (`--cover`), in sentences."""

from __future__ import annotations

from tests.cli.conftest import Cli, assert_clear_failure


def test_cli_names_the_option_not_the_field(bare_cli: Cli) -> None:
    result = bare_cli(
        "admin", "movies", "create",
        "--title", "Fantômas",
        "--year", "1913",
        "--description", "El genio del crimen burla a la policía de París.",
        "--duration", "54",
        "--content-rating", "NR",
        "--source", "https://example.org/fantomas.mp4",
    )  # fmt: skip
    error = assert_clear_failure(result, "cinepass admin movies create --help")
    assert error == "error: --cover is required", error


def test_cli_option_problems_read_as_sentences(bare_cli: Cli) -> None:
    result = bare_cli("admin", "movies", "update", "some-id")
    error = assert_clear_failure(result, "update --help")
    assert error == "error: send at least one field to change", error
    result = bare_cli("admin", "movies", "update", "some-id", "--title", "")
    error = assert_clear_failure(result)
    assert error == "error: --title must not be empty", error
