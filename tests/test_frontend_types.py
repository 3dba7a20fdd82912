"""The SPA's API types (frontend/src/api/schema.d.ts) are what the current API generates."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cinepass.cli.openapi import document
from tests.support import unavailable

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
COMMITTED = FRONTEND / "src" / "api" / "schema.d.ts"


def test_the_committed_api_types_are_what_the_api_generates(tmp_path: Path) -> None:
    if not GENERATOR.exists():
        unavailable("openapi-typescript", "run `make frontend` to install the SPA's packages")
    source, generated = tmp_path / "openapi.json", tmp_path / "schema.d.ts"
    source.write_text(json.dumps(document(), indent=2, ensure_ascii=False), encoding="utf-8")
    subprocess.run(
        [str(GENERATOR), str(source), "--output", str(generated)],
        cwd=FRONTEND,
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert generated.read_text() == COMMITTED.read_text(), (
        "frontend/src/api/schema.d.ts is stale: run `make api-types` and commit it"
    )
