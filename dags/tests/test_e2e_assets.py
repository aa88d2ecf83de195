"""The orders → enrichment chain through an Airflow Asset, with the real runner (subprocess
backend), the embedded PostgreSQL and the sandbox (the session fixtures of conftest).

The producer is the example orders spec with ``airflow.outlets``; the consumer is the example
``customers_enrich.yaml`` with ``airflow.schedule_on`` and its input pointed at the producer's
table. ``dag.test()`` of the producer records real asset events (with the partition in their
extra) and queues the consumer, as the scheduler would see it; the consumer's ``dag.test()`` run
is then given exactly those events as its triggering events (what an asset-triggered run gets),
plans their partitions and enriches them against the sandbox.
"""

from decimal import Decimal

import pytest
import yaml

from conftest import DAGS, parse_dags, xcom
from real_sluice import write_job

ASSET = "e2e_shop_orders"  # the e2e DAG folder is shared: an asset of this module's own
AIRFLOW = {"owner": "qa", "backend": "subprocess", "retries": 1, "retry_delay": "1s",
           "env": ["SLUICE_SANDBOX_URL"], "secrets": ["SHOP_API_TOKEN"]}
DAYS = ["2026-11-21", "2026-11-22"]


@pytest.fixture(scope="module")
def chain(e2e_folder):
    folder = e2e_folder / "jobs"
    write_job(folder, "e2e_asset_orders", {**AIRFLOW, "outlets": [ASSET]})
    spec = yaml.safe_load((DAGS / "jobs" / "customers_enrich.yaml").read_text())
    spec["job"] = "e2e_asset_enrich"
    spec["input"]["query"] = spec["input"]["query"].replace("FROM shop_orders", "FROM e2e_asset_orders_orders")
    spec["sink"]["table"] = "e2e_asset_profiles"
    spec["airflow"] = {**AIRFLOW, "schedule_on": [ASSET]}
    assert "e2e_asset_orders_orders" in spec["input"]["query"]
    (folder / "e2e_asset_enrich.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return folder


def asset_events():
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(select(AssetEvent.id, AssetEvent.extra, AssetEvent.source_dag_id,
                                      AssetEvent.source_task_id).join(AssetModel, AssetModel.id == AssetEvent.asset_id)
                               .where(AssetModel.name == ASSET).order_by(AssetEvent.id)).all()
    return [dict(id=r[0], extra=r[1], dag=r[2], task=r[3]) for r in rows]


def queued_for(dag_id: str) -> int:
    from airflow.models.asset import AssetDagRunQueue
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(select(func.count()).select_from(AssetDagRunQueue)
                              .where(AssetDagRunQueue.target_dag_id == dag_id))


def unpaused(dag_id: str) -> None:
    """Write the folder's DAGs to the metadata DB (as the dag-processor does) and unpause ``dag_id``:
    Airflow queues asset-triggered runs only for DAGs that are not paused, and new DAGs start paused."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    manager = DagBundlesManager()
    manager.sync_bundles_to_db()
    for bundle in manager.get_all_dag_bundles():
        if not bundle.is_initialized:
            bundle.initialize()
        sync_bag_to_db(BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name),
                       bundle.name, bundle.version)
    with create_session() as session:
        assert session.execute(update(DagModel).where(DagModel.dag_id == dag_id).values(is_paused=False)).rowcount == 1


def triggered_by(monkeypatch, event_ids: list[int]) -> None:
    """The next ``dag.test()`` run consumes these asset events, as a run the scheduler creates for
    an asset schedule does (``dag_run.consumed_asset_events`` feeds ``triggering_asset_events``)."""
    import airflow.models.dagrun as dagrun
    from airflow.models.asset import AssetEvent
    from sqlalchemy import select

    create = dagrun.get_or_create_dagrun

    def with_events(*args, **kwargs):
        run = create(*args, **kwargs)
        session = kwargs["session"]
        run.consumed_asset_events.extend(session.scalars(select(AssetEvent).where(AssetEvent.id.in_(event_ids))))
        session.commit()
        return run

    monkeypatch.setattr(dagrun, "get_or_create_dagrun", with_events)


def test_the_orders_run_tasks_update_the_asset_and_the_enrichment_dag_enriches_their_partitions(
        chain, real_env, sandbox, sluice_db, monkeypatch):
    before = sandbox.stats()["records"]
    unpaused("sluice_e2e_asset_enrich")
    orders = parse_dags()["sluice_e2e_asset_orders"].test(logical_date=None, run_conf={"partitions": DAYS})

    assert orders.state == "success"
    # One event per partition, in the order the mapped tasks finished (dag.test() picks any order).
    events = sorted(asset_events(), key=lambda e: e["extra"]["partition"])
    assert [(e["extra"]["job"], e["extra"]["partition"], e["extra"]["status"], e["dag"], e["task"]) for e in events] \
        == [("e2e_asset_orders", day, "done", "sluice_e2e_asset_orders", "run") for day in DAYS]
    assert [e["extra"]["records"] for e in events] == [xcom(orders, "run", i)["records"] for i in range(2)]
    assert queued_for("sluice_e2e_asset_enrich") == 1  # the scheduler's cue to start the enrichment DAG

    triggered_by(monkeypatch, [e["id"] for e in events])
    enrich = parse_dags()["sluice_e2e_asset_enrich"].test(logical_date=None)

    assert enrich.state == "success"
    assert xcom(enrich, "plan") == DAYS  # the events' partitions, not a window of dates
    customers = sluice_db.query("SELECT _sluice_partition AS day, count(DISTINCT customer_id) AS n "
                                "FROM e2e_asset_orders_orders GROUP BY 1 ORDER BY 1")
    # A customer who ordered on both days has one profile row (the sink's key is the customer).
    distinct = sluice_db.query("SELECT count(DISTINCT customer_id) AS n FROM e2e_asset_orders_orders")[0]["n"]
    profiles = sluice_db.query("SELECT _sluice_partition AS day, customer_id, call_status, call_trace_id "
                               "FROM e2e_asset_profiles ORDER BY 1, 2")
    assert len(profiles) == distinct
    summaries = [xcom(enrich, "run", i) for i in range(len(DAYS))]
    assert [(s["partition"], s["status"], s["in_doubt"], s["records"]) for s in summaries] == [
        (c["day"], "done", 0, c["n"]) for c in customers]
    assert all(s["records"] > 200 for s in summaries)
    traces = {s["trace_id"] for s in summaries}
    assert {p["call_status"] for p in profiles} == {201} and {p["call_trace_id"] for p in profiles} <= traces
    after = sandbox.stats()["records"]
    # Every customer of every day enriched once: one effect per call that succeeded, none twice.
    assert after["effects_applied"] - before["effects_applied"] == sum(s["records"] for s in summaries)
    one = profiles[0]["customer_id"]
    truth = sandbox._call("GET", f"/_sandbox/records/{one}")
    assert (truth["effects"], one) == (1, Decimal(one) if isinstance(one, Decimal) else one)
