"""The command line: solutions on stdout; bad input is one message on stderr and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.scheduling.conftest import base, meeting
from tests.unit.scheduling.scheduling_checker import violations

ROOT = Path(__file__).resolve().parents[3]


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.scheduling", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def _problem() -> dict[str, Any]:
    problem = base()
    problem["meetings"] = [meeting("m1", "p1", "p2"), meeting("m2", "p2", "p3")]
    return problem


def test_solves_a_file(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(_problem()), encoding="utf-8")
    result = _cli("solve", str(path))
    assert result.returncode == 0, result.stderr
    solution = json.loads(result.stdout)
    assert not violations(_problem(), solution)
    assert solution["stats"]["scheduled"] == 2


def test_solves_standard_input_with_time_limit() -> None:
    result = _cli("solve", "--time-limit", "10", "-", stdin=json.dumps(_problem()))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stats"]["priority_sum"] == 2


def test_deterministic_solves_by_the_budgets_alone_and_says_so_in_its_help() -> None:
    result = _cli("solve", "--deterministic", "-", stdin=json.dumps(_problem()))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stats"]["scheduled"] == 2
    helped = _cli("solve", "--help")
    assert "--deterministic" in helped.stdout
    assert "same result on any machine" in " ".join(helped.stdout.split())


def _broken(change: str) -> str:
    problem = _problem()
    if change == "unknown participant":
        problem["meetings"][0]["participants"] = ["p1", "ghost"]
    elif change == "duplicate meeting":
        problem["meetings"][1]["id"] = "m1"
    elif change == "wrong type":
        problem["meetings"][0]["priority"] = "high"
    elif change == "unknown slot":
        problem["participants"][0]["unavailable"] = ["s99"]
    elif change == "lock on unavailable slot":
        problem["participants"][0]["unavailable"] = ["s1"]
        problem["meetings"][0]["lock"] = {"slot": "s1", "table": "T1"}
    elif change == "two locks on one table":
        problem["meetings"][0]["lock"] = {"slot": "s1", "table": "T1"}
        problem["meetings"][1]["lock"] = {"slot": "s2", "table": "T1"}
        problem["meetings"].append(meeting("m3", "p3", "p4", lock={"slot": "s2", "table": "T1"}))
    return json.dumps(problem)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("unknown participant", "ghost"),
        ("duplicate meeting", "m1"),
        ("wrong type", "m1"),
        ("unknown slot", "s99"),
        ("lock on unavailable slot", "p1"),
        ("two locks on one table", "m3"),
    ],
)
def test_bad_input_exits_2_naming_the_item(change: str, named: str) -> None:
    result = _cli("solve", "-", stdin=_broken(change))
    assert result.returncode == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_invalid_json_exits_2() -> None:
    result = _cli("solve", "-", stdin='{"slots": [')
    assert result.returncode == 2
    assert "invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = _cli("solve", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "nope.json" in result.stderr
