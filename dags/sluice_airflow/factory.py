"""One DAG per job spec: ``sluice_<job>`` = ``plan`` → ``run`` mapped over the planned partitions.

Parse-time work is reading YAML and environment variables: no database, connection, network
or subprocess (those happen in the tasks).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from airflow.sdk import DAG, Asset, CronDataIntervalTimetable, Param

from sluice_airflow import backends, messages
from sluice_airflow import spec as specs
from sluice_airflow.spec import JobSpec, SpecError

_PRESETS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0",
            "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *"}
RETRY_BACKOFF = 2.0  # each retry waits twice as long as the one before, up to max_retry_delay


def build_dags(jobs_dir: str | Path) -> list[DAG]:
    """A DAG for every valid ``*.yaml`` in ``jobs_dir``; invalid specs are left out (and reported
    by ``raise_spec_errors``, the import error of the DAG file ``sluice_spec_errors.py``)."""
    return [build_dag(spec) for spec in load_jobs(jobs_dir)[0]]


def raise_spec_errors(jobs_dir: str | Path) -> None:
    """Raise one SpecError naming every invalid spec in ``jobs_dir`` (file, line, field, rule)."""
    valid, errors = load_jobs(jobs_dir)
    if errors:
        raise SpecError(f"{len(errors)} job spec(s) in {jobs_dir} are invalid; their DAGs are not loaded "
                        f"(the {len(valid)} valid job(s) are):\n  " + "\n  ".join(errors))


def load_jobs(jobs_dir: str | Path) -> tuple[list[JobSpec], list[str]]:
    """The valid specs of ``jobs_dir`` and one error per invalid one: an error stays its own spec's.
    Specs that share a job name are all invalid (neither is the obvious one to keep)."""
    valid, errors = [], []
    for path in sorted(Path(jobs_dir).glob("*.y*ml")):
        try:
            valid.append(check(specs.load(path)))
        except SpecError as e:
            errors.append(str(e))
    by_id: dict[str, list[JobSpec]] = {}
    for spec in valid:
        by_id.setdefault(spec.dag_id, []).append(spec)
    shared = [group for group in by_id.values() if len(group) > 1]
    errors += [f"job = {group[0].job!r} ({', '.join(str(s.path) for s in group)}): specs share this job name "
               f"(DAG {group[0].dag_id}); rename all but one" for group in shared]
    valid = [s for s in valid if len(by_id[s.dag_id]) == 1]
    wiring = asset_errors(valid)
    return [s for s in valid if s.path not in wiring], errors + list(wiring.values())


def asset_errors(specs_: list[JobSpec]) -> dict[Path, str]:
    """Per spec, why its ``airflow.schedule_on`` cannot work with the jobs of this folder.

    A consumer plans the partition keys that the producers' run tasks attach to their asset events,
    so every asset it waits for must be the outlet of a job here whose partitions are of the same
    type (an orders day is an enrichment day), and never its own (the DAG would trigger itself).
    """
    producers: dict[str, list[JobSpec]] = {}
    for spec in specs_:
        for name in spec.airflow.outlets:
            producers.setdefault(name, []).append(spec)
    errors: dict[Path, str] = {}
    for spec in specs_:
        for name in spec.airflow.schedule_on:
            rule = _wiring_rule(spec, name, producers)
            if rule:
                errors[spec.path] = str(spec.error("airflow.schedule_on", list(spec.airflow.schedule_on), rule))
                break
    return errors


def _wiring_rule(spec: JobSpec, name: str, producers: dict[str, list[JobSpec]]) -> str | None:
    found = producers.get(name, [])
    if not found:
        hint = difflib.get_close_matches(name, sorted(producers), n=1)
        declared = ", ".join(sorted(producers)) or "none"
        known = f"did you mean {hint[0]}?" if hint else f"outlets declared here: {declared}"
        return (f"no job in {spec.path.parent} lists the asset {name!r} in airflow.outlets ({known}); this DAG "
                f"plans the partitions that the producing job's run tasks attach to the asset's events")
    if any(p.path == spec.path for p in found):
        return f"the asset {name!r} is also in this job's airflow.outlets: the DAG would trigger itself"
    other = [p for p in found if p.partition_type != spec.partition_type]
    if other:
        return (f"the asset {name!r} comes from job {other[0].job} ({other[0].path}), whose partitions are "
                f"{other[0].partition_type}, but this job's are {spec.partition_type}: its events carry "
                f"{other[0].partition_type} keys; use the same partitions.type")
    return None


def check(spec: JobSpec) -> JobSpec:
    """What ``build_dag`` could still refuse, without building a DAG (parsing a DAG file registers
    every DAG it builds, and the errors file must build none)."""
    backends.backend_for(spec)
    timetable(spec)
    return spec


def build_dag(spec: JobSpec) -> DAG:
    a = spec.airflow
    backend = backends.backend_for(spec)
    operator = backends.operator_class(backend)
    common = task_kwargs(spec, operator)
    with DAG(
        dag_id=spec.dag_id,
        description=spec.description,
        doc_md=_doc(spec, backend),
        schedule=schedule(spec),
        start_date=_start(spec),
        catchup=a.catchup,
        max_active_runs=a.max_active_runs,
        tags=sorted({"sluice", *a.tags}),
        params=params(spec),
        default_args=dict(owner=a.owner, retries=a.retries, retry_delay=a.retry_delay,
                          retry_exponential_backoff=RETRY_BACKOFF, max_retry_delay=a.max_retry_delay,
                          execution_timeout=a.execution_timeout),
    ) as dag:
        plan = operator(task_id="plan", sluice_command="plan", **common)
        operator.partial(
            task_id="run", sluice_command="run", map_index_template="{{ task.partition }}",
            max_active_tis_per_dag=a.max_active_partitions, **({"pool": a.pool} if a.pool else {}),
            outlets=assets(a.outlets), **common,
        ).expand(partition=plan.output)
    return dag


def task_kwargs(spec: JobSpec, operator: type) -> dict:
    """Constructor arguments shared by the plan and the run task of ``spec``'s DAG."""
    a = spec.airflow
    # Celery routes both tasks to the job's queue (airflow.queue); without one, [operators] default_queue.
    queue = {"queue": a.queue} if a.queue else {}
    return dict(**queue, job=spec.job, spec_sha256=spec.sha256, partition_type=spec.partition_type,
                db_conn_id=a.db_conn_id, forward_env=list(a.env), forward_secrets=[_secret(s) for s in a.secrets],
                reschedule_timeout=a.reschedule_timeout, **operator.backend_kwargs(spec))


def assets(names: tuple[str, ...]) -> list[Asset]:
    """Assets by name (the name is also the URI): producers and consumers match on it."""
    return [Asset(name) for name in names]


def schedule(spec: JobSpec) -> CronDataIntervalTimetable | list[Asset] | None:
    """``airflow.schedule_on``: a run once every listed asset was updated (Airflow's list semantics),
    planning the partitions the updates carry; ``airflow.trigger``: a run per broker message
    (messages.py); else the cron timetable, or None (manual runs)."""
    if spec.airflow.trigger:
        return messages.schedule(spec)
    if spec.airflow.schedule_on:
        return assets(spec.airflow.schedule_on)
    return timetable(spec)


def timetable(spec: JobSpec) -> CronDataIntervalTimetable | None:
    """Cron schedules get real data intervals (Airflow 3's default trigger timetable has none),
    so the run at 02:00 on Nov 2 covers Nov 1 and a backfill of Nov 1 plans Nov 1."""
    cron = spec.airflow.schedule
    if cron is None:
        return None
    try:
        table = CronDataIntervalTimetable(_PRESETS.get(cron, cron), timezone="UTC")
        table.validate()
    except Exception as e:  # croniter's errors, as a spec error naming file and field
        raise spec.error("airflow.schedule", cron, f"not a valid cron expression: {e}") from None
    return table


def params(spec: JobSpec) -> dict[str, Param]:
    """The manual-trigger form. Dates are inclusive here; the plan task makes them half-open."""
    out: dict[str, Param] = {}
    if spec.is_time_partitioned:
        out["start_date"] = Param(None, type=["null", "string"], format="date", title="First day (inclusive)",
                                  description="With end_date: plan every partition of these days. "
                                              "Empty: the run's data interval.")
        out["end_date"] = Param(None, type=["null", "string"], format="date", title="Last day (inclusive)",
                                description="Inclusive: start_date = end_date plans one day.")
    out["partitions"] = Param([], type="array", items={"type": "string"}, title="Explicit partition keys",
                              description="One key per line (e.g. 2026-11-03); the runner validates them.")
    out["force"] = Param(False, type="boolean", title="Force",
                         description="Re-run partitions already complete (sluice run --force).")
    return out


def _start(spec: JobSpec):
    import pendulum  # Airflow's own dependency; only needed for scheduled DAGs

    day = spec.airflow.start_date
    return pendulum.datetime(day.year, day.month, day.day, tz="UTC") if day else None


def _secret(ref: specs.SecretRef) -> dict[str, str]:
    return {"env": ref.env, **({"conn": ref.conn_id, "field": ref.field} if ref.conn_id else {})}


def _doc(spec: JobSpec, backend: str) -> str:
    return (f"{spec.description or ''}\n\nJob spec `{spec.path.name}`, partitions `{spec.partition_type}`, "
            f"backend `{backend}`. Trigger with start_date/end_date (inclusive) or partitions; "
            f"force re-runs complete partitions.")
