"""Which window a run plans: params, else data interval, else run_after; half-open; force."""

from datetime import UTC, date, datetime, timezone

import pytest

from sluice_airflow import planning
from sluice_airflow.planning import PlanError, TriggerParams

NO_PARAMS = TriggerParams()


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def plan(partition_type="daily", params=NO_PARAMS, start=None, end=None, run_after=None):
    return planning.plan_args(partition_type, params, data_interval_start=start,
                              data_interval_end=end, run_after=run_after)


def test_inclusive_form_dates_become_a_half_open_window():
    params = planning.parse_params({"start_date": "2026-11-01", "end_date": "2026-11-03"})
    assert plan(params=params) == ["--from", "2026-11-01", "--to", "2026-11-04"]


def test_one_day_in_the_form_is_one_partition():
    params = planning.parse_params({"start_date": "2026-11-05", "end_date": "2026-11-05"})
    assert plan(params=params) == ["--from", "2026-11-05", "--to", "2026-11-06"]


def test_params_win_over_the_data_interval():
    params = planning.parse_params({"start_date": "2026-10-01", "end_date": "2026-10-02"})
    args = plan(params=params, start=utc(2026, 11, 1, 2), end=utc(2026, 11, 2, 2), run_after=utc(2026, 11, 2, 2))
    assert args == ["--from", "2026-10-01", "--to", "2026-10-03"]


def test_scheduled_or_backfill_run_plans_the_whole_days_of_its_data_interval():
    # CronDataIntervalTimetable("0 2 * * *"): the run after Nov 2 02:00 covers Nov 1 02:00 → Nov 2 02:00
    assert plan(start=utc(2026, 11, 1, 2), end=utc(2026, 11, 2, 2)) == ["--from", "2026-11-01", "--to", "2026-11-02"]


def test_manual_run_without_logical_date_plans_the_last_complete_day_before_run_after():
    assert plan(run_after=utc(2026, 11, 28, 15, 30)) == ["--from", "2026-11-27", "--to", "2026-11-28"]


def test_a_data_interval_without_a_whole_period_falls_back_to_run_after():
    # Airflow 3's trigger timetables give zero-length intervals
    moment = utc(2026, 11, 28, 2)
    assert plan(start=moment, end=moment, run_after=moment) == ["--from", "2026-11-27", "--to", "2026-11-28"]


def test_hourly_partitions_use_on_the_hour_utc_datetimes():
    assert plan("hourly", start=utc(2026, 11, 1, 5, 0), end=utc(2026, 11, 1, 7, 0)) == [
        "--from", "2026-11-01T05:00:00Z", "--to", "2026-11-01T07:00:00Z"]
    assert plan("hourly", run_after=utc(2026, 11, 1, 5, 42)) == [
        "--from", "2026-11-01T04:00:00Z", "--to", "2026-11-01T05:00:00Z"]
    params = planning.parse_params({"start_date": "2026-11-01", "end_date": "2026-11-01"})
    assert plan("hourly", params=params) == ["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z"]


def test_non_utc_datetimes_are_converted_to_utc_before_alignment():
    from datetime import timedelta

    cet = timezone(timedelta(hours=1))
    start = datetime(2026, 11, 2, 0, 30, tzinfo=cet)  # = Nov 1 23:30 UTC
    assert planning.floor(start, "daily") == utc(2026, 11, 1)


def test_explicit_partitions_skip_the_window():
    params = planning.parse_params({"partitions": ["2026-11-03", " 2026-11-09 ", ""]})
    planned = plan(params=params, start=utc(2026, 11, 1), end=utc(2026, 11, 2))
    assert planned == ["--partitions", "2026-11-03,2026-11-09"]


def test_list_and_shard_partitions_plan_every_key_without_a_window():
    assert plan("shards", start=utc(2026, 11, 1), end=utc(2026, 11, 2)) == []
    with pytest.raises(PlanError, match="apply to daily or hourly partitions"):
        plan("list", params=planning.parse_params({"start_date": "2026-11-01", "end_date": "2026-11-01"}))


@pytest.mark.parametrize("params, message", [
    ({"start_date": "2026-11-01"}, "params.end_date is missing"),
    ({"end_date": "2026-11-01"}, "params.start_date is missing"),
    ({"start_date": "2026-11-05", "end_date": "2026-11-01"}, "before start_date"),
    ({"start_date": "11/01/2026", "end_date": "2026-11-02"}, "params.start_date = '11/01/2026': must be a date"),
    ({"partitions": "2026-11-01"}, "must be a list"),
    ({"partitions": ["a,b"]}, "contains ','"),
    ({"partitions": ["a"], "start_date": "2026-11-01", "end_date": "2026-11-01"}, "not both"),
    ({"force": "yes"}, "params.force = 'yes'"),
])
def test_bad_params_are_rejected_with_the_param_named(params, message):
    with pytest.raises(PlanError, match=message):
        planning.parse_params(params)


def test_empty_form_values_mean_not_given():
    assert planning.parse_params({"start_date": None, "end_date": "", "partitions": [], "force": False}) == NO_PARAMS


SHA = "ab" * 32


def test_force_maps_to_the_runner_flag():
    assert planning.run_args("/jobs/orders.yaml", SHA, "2026-11-01", force=False) == [
        "run", "--job", "/jobs/orders.yaml", "--spec-sha256", SHA, "--partition", "2026-11-01"]
    assert planning.run_args("/jobs/orders.yaml", SHA, "2026-11-01", force=True)[-1] == "--force"
    assert planning.parse_params({"force": True}).force is True


def test_every_command_names_the_spec_and_the_hash_of_the_bytes_the_dag_parsed():
    assert planning.job_args("/opt/sluice/jobs/orders.yaml", SHA) == [
        "--job", "/opt/sluice/jobs/orders.yaml", "--spec-sha256", SHA]


def test_window_from_dates_is_half_open_and_utc():
    w = planning.window_from_dates(date(2026, 11, 1), date(2026, 11, 1))
    assert (w.start, w.end) == (utc(2026, 11, 1), utc(2026, 11, 2))


def test_a_plan_within_max_map_length_is_one_key_per_task():
    keys = [f"k{i}" for i in range(1024)]
    assert planning.chunked(keys, 1024) == keys


def test_ten_thousand_keys_become_at_most_max_map_length_contiguous_chunks_in_order():
    keys = [f"k{i:05d}" for i in range(10_000)]
    chunks = planning.chunked(keys, 1024)
    assert len(chunks) == 1000 and {len(c) for c in chunks} == {10}
    assert [k for c in chunks for k in c] == keys  # every key once, in planned order


def test_one_key_past_the_limit_halves_the_tasks_and_the_last_chunk_is_shorter():
    chunks = planning.chunked([f"k{i}" for i in range(1025)], 1024)
    assert len(chunks) == 513 and len(chunks[0]) == 2 and chunks[-1] == ["k1024"]
