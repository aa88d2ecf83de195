"""Plans longer than Airflow's ``[core] max_map_length`` (issue 10 §6): ``dag.test()`` on the
subprocess backend, 10 000 partitions in chunks, and a chunk whose middle partition fails.

The 10 000-partition run plans with ``fake_sluice.py`` and runs each partition through a shell
stand-in that only records its key and prints a done summary: 10 000 Python starts would take
minutes and measure nothing of the DAG.
"""

import json
import sys
import time
from datetime import date, timedelta

import pytest

from conftest import DAGS, parse_dags, tis, write_spec, xcom

FAST = "  owner: qa\n  backend: subprocess\n  retry_delay: 1s\n  max_retry_delay: 2s\n"
FAKE = DAGS / "tests" / "fake_sluice.py"
PARTITIONS = 10_000


@pytest.fixture(scope="module")
def dags(e2e_folder):
    write_spec(e2e_folder / "jobs", "huge", FAST + "  retries: 0\n")
    write_spec(e2e_folder / "jobs", "chunky", FAST + "  retries: 2\n")
    return parse_dags(e2e_folder)


@pytest.fixture
def recording_runner(monkeypatch, tmp_path):
    """``plan`` by the fake runner; ``run`` appends its partition to a file and prints a done summary."""
    runs = tmp_path / "runs.txt"
    launcher = tmp_path / "sluice"
    launcher.write_text(f"""#!/bin/sh
if [ "$1" = run ]; then
  for key; do :; done
  echo "$key" >> {runs}
  printf '{{"job":"huge","partition":"%s","status":"done","exit_code":0,"records":1,"pages":1}}\\n' "$key"
  exit 0
fi
exec {sys.executable} {FAKE} "$@"
""")
    launcher.chmod(0o755)
    monkeypatch.setenv("SLUICE_BIN", str(launcher))
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", "postgresql://sluice:pw@pg.internal:5432/sluice")
    monkeypatch.delenv("AIRFLOW__CORE__MAX_MAP_LENGTH", raising=False)  # Airflow's default, 1024
    return lambda: runs.read_text().split() if runs.exists() else []


@pytest.fixture
def fake_runner(monkeypatch, tmp_path):
    launcher = tmp_path / "sluice"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {FAKE} \"$@\"\n")
    launcher.chmod(0o755)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("SLUICE_BIN", str(launcher))
    monkeypatch.setenv("SLUICE_FAKE_LOG", str(log))
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", "postgresql://sluice:pw@pg.internal:5432/sluice")
    return lambda: [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_plan_longer_than_max_map_length_runs_in_chunks_each_partition_once_in_order(dags, recording_runner,
                                                                                       monkeypatch):
    """The same path as the 10 000-partition run below (``make test-dags-scale``), at a size every
    ``make test`` can afford: Airflow itself refuses to map more than ``max_map_length`` tasks, so
    lowering it to 8 makes 100 partitions take the chunked path for real."""
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "8")
    first = date(2001, 1, 1)
    expected = [(first + timedelta(days=i)).isoformat() for i in range(100)]
    dr = dags["sluice_huge"].test(logical_date=None,
                                  run_conf={"start_date": expected[0], "end_date": expected[-1]})

    assert dr.state == "success"
    chunks = xcom(dr, "plan")
    assert len(chunks) <= 8 and all(isinstance(c, list) for c in chunks)
    assert [key for chunk in chunks for key in chunk] == expected
    runs = [t for (task, _), t in tis(dr).items() if task == "run"]
    assert len(runs) == len(chunks) and {t.state for t in runs} == {"success"}
    ran = recording_runner()
    assert sorted(ran) == expected  # every partition once, none skipped
    at = {key: i for i, key in enumerate(ran)}
    assert all([at[key] for key in chunk] == list(range(at[chunk[0]], at[chunk[0]] + len(chunk)))
               for chunk in chunks)  # a chunk's partitions one after the other, in planned order


@pytest.mark.scale
def test_ten_thousand_partitions_run_in_chunks_within_max_map_length_each_exactly_once(dags, recording_runner):
    first = date(2000, 1, 1)
    last = first + timedelta(days=PARTITIONS - 1)
    started = time.monotonic()
    dr = dags["sluice_huge"].test(logical_date=None,
                                  run_conf={"start_date": first.isoformat(), "end_date": last.isoformat()})
    wall = time.monotonic() - started

    assert dr.state == "success"
    chunks = xcom(dr, "plan")
    expected = [(first + timedelta(days=i)).isoformat() for i in range(PARTITIONS)]
    assert len(chunks) == 1000 and {len(c) for c in chunks} == {10}
    assert [key for chunk in chunks for key in chunk] == expected
    ti = tis(dr)
    runs = [t for (task, _), t in ti.items() if task == "run"]
    assert len(runs) == 1000 and {t.state for t in runs} == {"success"}
    assert ti[("run", 0)].rendered_map_index == "2000-01-01 .. 2000-01-10 (10)"
    ran = recording_runner()
    assert sorted(ran) == expected  # every partition once, none skipped (tasks run in any order)
    at = {key: i for i, key in enumerate(ran)}
    assert all([at[key] for key in chunk] == list(range(at[chunk[0]], at[chunk[0]] + len(chunk)))
               for chunk in chunks)  # a chunk's partitions one after the other, in planned order
    assert [s["partition"] for s in xcom(dr, "run", 999)] == expected[-10:]
    plan = ti[("plan", -1)]
    plan_seconds = (plan.end_date - plan.start_date).total_seconds()
    print(f"\n10 000 partitions: plan task {plan_seconds:.2f} s (the fake runner planning and XCom), "
          f"whole dag.test() {wall:.0f} s for 1000 run tasks")


def test_a_chunk_stops_at_its_first_failing_partition_and_the_retry_runs_it_again(dags, fake_runner, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "2")
    monkeypatch.setenv("SLUICE_FAKE_SCRIPT", json.dumps({"2026-11-02": [75, 0], "*": [0]}))
    days = [f"2026-11-0{d}" for d in range(1, 6)]
    dr = dags["sluice_chunky"].test(logical_date=None, run_conf={"partitions": days})

    assert dr.state == "success"
    assert xcom(dr, "plan") == [days[:3], days[3:]]
    ti = tis(dr)
    assert (ti[("run", 0)].try_number, ti[("run", 1)].try_number) == (2, 1)
    runs = [c["argv"][-1] for c in fake_runner() if c["argv"][0] == "run"]
    chunk0 = [d for d in runs if d in days[:3]]
    # try 1: 11-01 done, 11-02 exits 75 and ends the try (11-03 not started); try 2: all three
    assert chunk0 == ["2026-11-01", "2026-11-02", "2026-11-01", "2026-11-02", "2026-11-03"]
    assert sorted(d for d in runs if d in days[3:]) == days[3:]
    assert [s["partition"] for s in xcom(dr, "run", 0)] == days[:3]


def test_a_chunk_with_a_configuration_error_fails_without_retry_and_names_the_partition(dags, fake_runner,
                                                                                           monkeypatch, capfd):
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "1")
    monkeypatch.setenv("SLUICE_FAKE_SCRIPT", json.dumps({"2026-11-02": [78], "*": [0]}))
    dr = dags["sluice_chunky"].test(logical_date=None, run_conf={"partitions": ["2026-11-01", "2026-11-02",
                                                                                 "2026-11-03"]})
    assert dr.state == "failed"
    assert (tis(dr)[("run", 0)].state, tis(dr)[("run", 0)].try_number) == ("failed", 1)
    assert [c["argv"][-1] for c in fake_runner() if c["argv"][0] == "run"] == ["2026-11-01", "2026-11-02"]
    out = capfd.readouterr()
    assert "sluice run chunky 2026-11-02 (partition 2 of 3 in this task's chunk) exited 78" in out.out + out.err
