"""Running the real `cinepass` executable as a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from cinepass.config import Settings
from tests.conftest import KEY_ENCRYPTION_KEY
from tests.support import Api, LiveServer

# The console script installed next to this interpreter; `python -m` if there is none.
_SCRIPT = Path(sys.executable).with_name("cinepass")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cinepass.cli.main"]

# Variables of the test runner's own shell that would change what the CLI reads or prints,
# or (PYTHONDONTWRITEBYTECODE) make every run compile all of its imports again (~1 s more).
_DROPPED = {"FORCE_COLOR", "COLUMNS", "LINES", "PYTHONWARNINGS", "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Cli:
    """`cinepass` with a fixed environment; each call may add, change or remove variables."""

    def __init__(self, cwd: Path, env: Mapping[str, str], pycache: Path):
        self.cwd = cwd
        self.env = dict(env)
        self.pycache = pycache

    def __call__(self, *args: str, **overrides: str | None) -> Result:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CINEPASS_") and k not in _DROPPED
        }
        env.update(
            NO_COLOR="1",
            PYTHONPYCACHEPREFIX=str(self.pycache),
            CINEPASS_LOG_LEVEL="WARNING",
            **self.env,
        )
        for name, value in overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        # cwd is a fresh directory: no stray .env file or ./var database is picked up.
        done = subprocess.run(
            [*COMMAND, *args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, **overrides: str | None) -> Result:
        """Run a command that must succeed, and never print a traceback."""
        result = self(*args, **overrides)
        assert result.code == 0, result
        assert "Traceback" not in result.output, result
        return result


def assert_clear_failure(result: Result, *hint_words: str) -> str:
    """Exit code 1, no traceback, and exactly an `error:` line then a `hint:` line naming
    `hint_words`. Returns the error line."""
    assert result.code == 1, result
    assert "Traceback" not in result.output, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result
    error, hint = lines
    assert error.startswith("error: "), result
    assert hint.startswith("hint: "), result
    for word in hint_words:
        assert word in hint, (word, result)
    return error


@pytest.fixture(scope="session")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the CLI runs keep their bytecode: compiled once, outside the source trees."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture
def cli(settings: Settings, live_api: LiveServer, api: Api, tmp_path: Path, pycache: Path) -> Cli:
    """`cinepass` on the test database, signing in to the live API as the suite's admin."""
    return Cli(
        tmp_path,
        {
            "CINEPASS_DATABASE_URL": settings.database.url,
            "CINEPASS_API_URL": live_api.url,
            "CINEPASS_ADMIN_API_KEY": api.admin_key,
            "CINEPASS_ADMIN_EMAIL": api.admin_email,
            "CINEPASS_ADMIN_PASSWORD": api.admin_password,
            "CINEPASS_KEY_ENCRYPTION_KEY": KEY_ENCRYPTION_KEY,
        },
        pycache,
    )


@pytest.fixture
def bare_cli(tmp_path: Path, pycache: Path) -> Cli:
    """`cinepass` with no CINEPASS_* settings at all: neither a database nor an API is used."""
    return Cli(tmp_path, {}, pycache)
