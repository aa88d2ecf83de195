"""One duration grammar for the runner and the DAGs: the vectors the Java DurationsTest reads too."""

import json
from datetime import timedelta

import pytest

from sluice_airflow import spec

from conftest import DAGS

VECTORS_FILE = DAGS.parent / "task-runner" / "src" / "test" / "resources" / "durations.txt"


def vectors() -> list[tuple[str, int | None]]:
    """(text, milliseconds or None for refused) of every vector line."""
    out = []
    for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, expected = line.rsplit(" ", 1)
            out.append((json.loads(text), None if expected == "refused" else int(expected)))
    return out


VECTORS = vectors()


def test_the_vector_file_covers_both_outcomes():
    assert sum(ms is None for _, ms in VECTORS) >= 20 and sum(ms is not None for _, ms in VECTORS) >= 20


@pytest.mark.parametrize("text, ms", VECTORS, ids=[json.dumps(t) for t, _ in VECTORS])
def test_parses_each_vector_as_the_runner_does(text, ms):
    if ms is None:
        with pytest.raises(ValueError):
            spec.parse_duration(text)
    else:
        assert spec.parse_duration(text) == timedelta(milliseconds=ms)


@pytest.mark.parametrize("value", [30, 1.5, None, True, ["5m"]])
def test_only_text_is_a_duration(value):
    with pytest.raises(ValueError, match="must be a duration such as"):
        spec.parse_duration(value)


def test_refusals_say_which_rule():
    with pytest.raises(ValueError, match="largest to smallest"):
        spec.parse_duration("30m1h")
    with pytest.raises(ValueError, match="at most 3650d"):
        spec.parse_duration("3651d")


def test_airflow_fields_also_need_more_than_zero():
    assert spec.duration("1h30m") == timedelta(minutes=90)
    with pytest.raises(ValueError, match="longer than 0"):
        spec.duration("0s")


@pytest.mark.parametrize("value, text", [
    (timedelta(0), "0s"), (timedelta(seconds=59.9), "59s"),
    (timedelta(hours=1, seconds=3), "1h3s"), (timedelta(days=2, minutes=5), "2d5m")])
def test_messages_write_durations_in_the_grammar(value, text):
    assert spec.format_duration(value) == text
    assert spec.parse_duration(text) == timedelta(seconds=int(value.total_seconds()))
