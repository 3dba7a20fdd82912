"""A goal's verdict: its figure, its aim, met or not, and the machine's load while measured.

Each goal's command saves its verdicts to `var/bench/verdicts-<command>.json`; `python -m
bench.goals` gathers them into the summary table and `var/bench/goals.json`.
"""

from __future__ import annotations

import json
import operator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cpu, results
from bench.drive import load_cell

_COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Verdict:
    goal: int
    name: str
    figure: str  # what was measured, in words and units
    value: float  # the number the aim is about (a ratio, ms or MB)
    aim: str  # "<op> <number>", e.g. ">= 0.8"
    load: str  # the machine's load during the measurement
    other_cores: float = 0.0

    @property
    def met(self) -> bool:
        op, bound = self.aim.split()
        return bool(_COMPARE[op](self.value, float(bound)))

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


def of(
    goal: int, name: str, figure: str, value: float, aim: str, used: cpu.Usage | None
) -> Verdict:
    return Verdict(
        goal,
        name,
        figure,
        round(value, 4),
        aim,
        load_cell(used) if used else "-",
        round(used.other, 2) if used else 0.0,
    )


def save(out: Path, command: str, verdicts: list[Verdict], details: dict[str, Any]) -> Path:
    path = out / f"verdicts-{command}.json"
    now = datetime.now(UTC)
    results.write(
        path,
        results.header(command, now, now)
        | {"verdicts": [v.to_json() for v in verdicts], "details": details},
    )
    return path


def load(path: Path) -> tuple[dict[str, Any], list[Verdict]]:
    data = json.loads(path.read_text())
    fields = Verdict.__dataclass_fields__
    return data, [Verdict(**{k: v for k, v in d.items() if k in fields}) for d in data["verdicts"]]
