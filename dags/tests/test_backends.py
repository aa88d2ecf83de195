"""Docker, Kubernetes and subprocess backends: same command line, same environment, secrets kept
out of templates, rendered fields, pod specs and logs; exit codes mapped the same way.

Docker and Kubernetes are exercised up to their API clients (a recording fake Docker client, the
pod request object); phase 2 runs them against a real engine/cluster.
"""

import hashlib
import json
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import requests
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.bases.operator import ExecutorSafeguard
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowRescheduleException
from docker.errors import APIError, NotFound
from kubernetes.client import ApiClient
from kubernetes.client import models as k8s

from sluice_airflow import backends, contract, factory, spec

from conftest import DAGS

PASSWORD, TOKEN = "pw-s3cret-0042", "tok-s3cret-0042"
ORDERS_SHA = hashlib.sha256((DAGS / "jobs" / "orders.yaml").read_bytes()).hexdigest()
SUMMARY = {"job": "orders", "partition": "2026-11-01", "status": "done", "exit_code": 0, "records": 7}
QUOTA = {**SUMMARY, "status": "retry_later", "exit_code": 75, "resume_at": "2026-11-29T00:00:00Z"}


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setattr(ExecutorSafeguard, "test_mode", True)
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", f"postgresql://sluice:{PASSWORD}@pg.internal:5432/sluice")
    monkeypatch.setenv("SHOP_API_TOKEN", TOKEN)
    monkeypatch.setenv("SLUICE_SANDBOX_URL", "http://sandbox:8089")


def operator(backend, command="run", partition="2026-11-01"):
    job = spec.load(DAGS / "jobs" / "orders.yaml")
    cls = backends.operator_class(backend)
    extra = {"partition": partition} if command == "run" else {}
    return cls(task_id=command, sluice_command=command, **factory.task_kwargs(job, cls), **extra)


def context(params=None, task_id="run", map_index=0, first_reschedule=None):
    ti = SimpleNamespace(dag_id="sluice_orders", run_id="manual__2026-11-28T10:00:00+00:00", task_id=task_id,
                         try_number=2, map_index=map_index, start_date=datetime.now(UTC),
                         get_first_reschedule_date=lambda context: first_reschedule)
    return {"ti": ti, "run_id": ti.run_id, "dag": SimpleNamespace(dag_id="sluice_orders"), "params": params or {},
            "dag_run": SimpleNamespace(run_after=datetime(2026, 11, 28, 10, tzinfo=UTC)),
            "data_interval_start": None, "data_interval_end": None}


class FakeDocker:
    """Records what DockerOperator asks of the Docker API; the container prints ``stdout``."""

    def __init__(self, exit_code=0, stdout=None):
        self.exit_code, self.calls = exit_code, {}
        self.stdout = [json.dumps(SUMMARY)] if stdout is None else list(stdout)

    def images(self, name): return [{"Id": "sha256:1"}]
    def start(self, cid): pass

    def create_host_config(self, **kw):
        self.calls["host_config"] = kw
        return kw

    def create_container(self, **kw):
        self.calls["create"] = kw
        return {"Id": "c1"}

    def wait(self, cid): return {"StatusCode": self.exit_code}
    def remove_container(self, cid, force=False): self.calls["removed"] = (cid, force)
    def stop(self, cid): self.calls["stopped"] = cid

    def attach(self, **kw):  # stdout and stderr interleaved; a log line after the summary
        return iter([b'{"level":"INFO","msg":"start"}\n', *[f"{line}\n".encode() for line in self.stdout],
                     b'{"level":"INFO","msg":"pool closed"}\n'])

    def logs(self, cid, stdout=True, stderr=True, tail=None):
        assert (stdout, stderr) == (True, False), "the summary is read from stdout alone"
        return "\n".join(self.stdout[-tail:]).encode()


def public_env(ctx, op):
    return contract.public_env(ctx, contract.db_connection("sluice_db"), op.forward_env)


def docker(monkeypatch, fake):
    monkeypatch.setattr(backends.SluiceDockerOperator, "cli", property(lambda self: fake))
    return fake


def test_docker_runs_the_partition_with_public_env_and_private_secrets(monkeypatch):
    fake = docker(monkeypatch, FakeDocker())
    op = operator("docker")
    summary = op.execute(context({"force": True}))
    create = fake.calls["create"]
    assert create["image"] == "sluice-task-runner:latest"
    assert create["command"] == ["run", "--job", "/opt/sluice/jobs/orders.yaml", "--spec-sha256", ORDERS_SHA,
                                 "--partition", "2026-11-01", "--force"]
    assert create["environment"]["SLUICE_DB_PASSWORD"] == PASSWORD  # the container does get them ...
    assert create["environment"]["SHOP_API_TOKEN"] == TOKEN
    assert op._private_environment == {"SLUICE_DB_PASSWORD": PASSWORD, "SHOP_API_TOKEN": TOKEN}
    assert op.environment == {  # ... but only through private_environment, never the templated field
        "SLUICE_SANDBOX_URL": "http://sandbox:8089",
        "SLUICE_DB_URL": "jdbc:postgresql://pg.internal:5432/sluice", "SLUICE_DB_USER": "sluice",
        "AIRFLOW_CTX_DAG_ID": "sluice_orders", "AIRFLOW_CTX_DAG_RUN_ID": "manual__2026-11-28T10:00:00+00:00",
        "AIRFLOW_CTX_TASK_ID": "run", "AIRFLOW_CTX_TRY_NUMBER": "2", "AIRFLOW_CTX_MAP_INDEX": "0"}
    assert summary == SUMMARY  # the stdout summary, not the stderr line printed after it
    assert fake.calls["removed"] == ("c1", True)
    assert fake.calls["host_config"]["auto_remove"] is False and fake.calls["host_config"]["mounts"] == []


def test_docker_plan_uses_the_window_and_returns_the_partitions(monkeypatch):
    plan = {"job": "orders", "partitions": ["2026-11-01", "2026-11-02"], "count": 2}
    fake = docker(monkeypatch, FakeDocker(stdout=["planning", json.dumps(plan)]))
    dates = {"start_date": "2026-11-01", "end_date": "2026-11-02"}
    keys = operator("docker", "plan").execute(context(dates, "plan", -1))
    assert keys == ["2026-11-01", "2026-11-02"]
    assert fake.calls["create"]["command"] == [
        "plan", "--job", "/opt/sluice/jobs/orders.yaml", "--spec-sha256", ORDERS_SHA,
        "--from", "2026-11-01", "--to", "2026-11-03"]
    assert fake.calls["create"]["environment"]["AIRFLOW_CTX_MAP_INDEX"] == "-1"


def test_a_plan_longer_than_max_map_length_is_cut_into_chunks_that_fit(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "2")
    plan = {"job": "orders", "partitions": ["a", "b", "c"], "count": 3}
    docker(monkeypatch, FakeDocker(stdout=[json.dumps(plan)]))
    assert operator("docker", "plan").execute(context(task_id="plan", map_index=-1)) == [["a", "b"], ["c"]]


def test_a_plan_within_max_map_length_maps_one_partition_per_task(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "3")
    plan = {"job": "orders", "partitions": ["a", "b", "c"], "count": 3}
    docker(monkeypatch, FakeDocker(stdout=[json.dumps(plan)]))
    assert operator("docker", "plan").execute(context(task_id="plan", map_index=-1)) == ["a", "b", "c"]


def test_a_chunk_task_is_labelled_by_its_first_and_last_partition():
    assert operator("docker", partition=["2026-11-01", "2026-11-02", "2026-11-03"]).partition_label == \
        "2026-11-01 .. 2026-11-03 (3)"
    assert operator("docker", partition=["2026-11-01"]).partition_label == "2026-11-01"
    assert operator("docker").partition_label == "2026-11-01"


@pytest.mark.parametrize("code, stdout, error", [
    (78, [json.dumps({**SUMMARY, "status": "failed", "message": "source.url: bad"})], AirflowFailException),
    (65, [json.dumps({**SUMMARY, "status": "failed"})], AirflowFailException),
    (75, [json.dumps({**SUMMARY, "status": "retry_later"})], backends.exit_codes.RunnerFailed),
    (75, [json.dumps(QUOTA)], AirflowRescheduleException),
    (137, [], backends.exit_codes.RunnerFailed),
])
def test_docker_exit_codes_map_to_airflow_outcomes_and_the_container_is_removed(monkeypatch, code, stdout, error):
    fake = docker(monkeypatch, FakeDocker(code, stdout))
    with pytest.raises(error) as e:
        operator("docker").execute(context())
    assert fake.calls["removed"] == ("c1", True)
    if code == 78:
        assert "exited 78 (configuration error, not retried): source.url: bad" in str(e.value)


def test_docker_deployment_settings_come_from_env(monkeypatch):
    monkeypatch.setenv("SLUICE_DOCKER_NETWORK", "sluice_default")
    monkeypatch.setenv("SLUICE_DOCKER_JOBS_DIR", "/jobs")
    monkeypatch.setenv("SLUICE_DOCKER_JOBS_SOURCE", "/srv/sluice/jobs")
    monkeypatch.setenv("SLUICE_IMAGE", "registry.local/sluice:1.2")
    fake = docker(monkeypatch, FakeDocker())
    operator("docker").execute(context())
    assert fake.calls["create"]["image"] == "registry.local/sluice:1.2"
    assert fake.calls["create"]["command"][2] == "/jobs/orders.yaml"
    assert fake.calls["host_config"]["network_mode"] == "sluice_default"
    [mount] = fake.calls["host_config"]["mounts"]
    assert (mount["Target"], mount["Source"], mount["ReadOnly"]) == ("/jobs", "/srv/sluice/jobs", True)


def test_pod_has_the_same_arguments_public_env_as_values_and_secrets_as_references(monkeypatch):
    monkeypatch.setenv("SLUICE_K8S_NAMESPACE", "etl")
    op = operator("kubernetes")
    ctx = context({"force": True})
    pod = op.pod_for(ctx, op.sluice_args(ctx), public_env(ctx, op), dry_run=True)
    [container] = pod.spec.containers
    assert container.args == ["run", "--job", "/opt/sluice/jobs/orders.yaml", "--spec-sha256", ORDERS_SHA,
                              "--partition", "2026-11-01", "--force"]
    assert not container.command  # the image's ENTRYPOINT is the launcher
    assert (container.image, container.image_pull_policy, pod.metadata.namespace) == (
        "sluice-task-runner:latest", "IfNotPresent", "etl")
    env = {e.name: e for e in container.env}
    assert env["SLUICE_DB_URL"].value == "jdbc:postgresql://pg.internal:5432/sluice"
    assert env["AIRFLOW_CTX_TRY_NUMBER"].value == "2"
    for name in ("SLUICE_DB_PASSWORD", "SHOP_API_TOKEN"):
        assert env[name].value is None
        ref = k8s.V1SecretKeySelector(name="sluice-secrets", key=name, optional=True)
        assert env[name].value_from.secret_key_ref == ref
    assert pod.metadata.labels["sluice-job"] == "orders" and pod.metadata.labels["map_index"] == "0"
    assert len(pod.spec.containers) == 1  # no xcom sidecar: the summary is read from the log
    rendered = json.dumps(ApiClient().sanitize_for_serialization(pod))
    assert PASSWORD not in rendered and TOKEN not in rendered


def test_pod_exit_code_and_summary_are_read_before_the_pod_is_deleted(monkeypatch):
    op = operator("kubernetes")
    failed = json.dumps({**SUMMARY, "status": "failed", "message": "bad spec"})
    log = "\n".join(['{"level":"INFO"}', failed, '{"level":"INFO","msg":"bye"}'])
    terminated = k8s.V1ContainerStatus(name="base", image="i", image_id="i", ready=False, restart_count=0,
                                       state=k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=78)))
    remote = k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="p", namespace="etl"),
                       status=k8s.V1PodStatus(phase="Failed", container_statuses=[terminated]))
    deleted = []
    monkeypatch.setattr(backends.SluiceKubernetesPodOperator, "client",
                        property(lambda self: SimpleNamespace(read_namespaced_pod_log=lambda **kw: log)))
    monkeypatch.setattr(op, "process_pod_deletion", lambda pod, reraise=True: deleted.append(pod.metadata.name))
    monkeypatch.setattr(op, "patch_already_checked", lambda *a, **k: None)
    monkeypatch.setattr(op, "_read_pod_events", lambda *a, **k: None)
    monkeypatch.setattr(op, "is_istio_enabled", lambda pod: False)

    def fake_execute(self, context):  # what KPO does once the pod finished: cleanup, then raise
        self.cleanup(remote, remote, None, context)

    monkeypatch.setattr(KubernetesPodOperator, "execute", fake_execute)
    monkeypatch.setattr(op, "pod_for", lambda *a, **k: remote)
    with pytest.raises(AirflowFailException, match="exited 78 \\(configuration error, not retried\\): bad spec"):
        op.execute(context())
    assert deleted == ["p"]


def test_pod_that_never_ran_the_runner_is_a_retryable_failure(monkeypatch):
    op = operator("kubernetes")

    def fails(self, context):
        raise AirflowException("Pod took too long to start")

    monkeypatch.setattr(KubernetesPodOperator, "execute", fails)
    monkeypatch.setattr(op, "pod_for", lambda *a, **k: None)
    with pytest.raises(AirflowException, match="too long to start") as e:
        op.execute(context())
    assert not isinstance(e.value, AirflowFailException)


def test_subprocess_env_is_the_contract_plus_only_what_the_launcher_needs(monkeypatch, tmp_path):
    record = tmp_path / "fake.log"
    launcher = tmp_path / "sluice"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {DAGS / 'tests' / 'fake_sluice.py'} \"$@\"\n")
    launcher.chmod(0o755)
    monkeypatch.setenv("SLUICE_BIN", str(launcher))
    monkeypatch.setenv("SLUICE_FAKE_LOG", str(record))
    monkeypatch.setenv("AIRFLOW__CORE__FERNET_KEY", "must-not-leak")
    summary = operator("subprocess").execute(context())
    assert summary["status"] == "done" and summary["records"] == 3
    call = json.loads(record.read_text())
    assert call["argv"] == ["run", "--job", str(DAGS / "jobs" / "orders.yaml"), "--spec-sha256", ORDERS_SHA,
                            "--partition", "2026-11-01"]
    assert "AIRFLOW__CORE__FERNET_KEY" not in call["env_names"]
    assert call["secret_sha256"].keys() == {"SLUICE_DB_PASSWORD", "SHOP_API_TOKEN"}


def test_every_backend_gets_the_same_arguments_and_the_same_variable_names(monkeypatch, tmp_path):
    ctx = context({"force": True})
    fake = docker(monkeypatch, FakeDocker())
    operator("docker").execute(ctx)
    docker_env = set(fake.calls["create"]["environment"])

    k8s_op = operator("kubernetes")
    pod = k8s_op.pod_for(ctx, k8s_op.sluice_args(ctx), public_env(ctx, k8s_op), dry_run=True)
    pod_env = {e.name for e in pod.spec.containers[0].env}

    record, launcher = tmp_path / "fake.log", tmp_path / "sluice"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {DAGS / 'tests' / 'fake_sluice.py'} \"$@\"\n")
    launcher.chmod(0o755)
    monkeypatch.setenv("SLUICE_BIN", str(launcher))
    monkeypatch.setenv("SLUICE_FAKE_LOG", str(record))
    operator("subprocess").execute(ctx)
    call = json.loads(record.read_text())
    launcher_only = {"PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME", "PWD", "SHLVL", "_"}
    test_settings = {"SLUICE_E2E_IMAGE", "SLUICE_REQUIRE_REDIS", "SLUICE_REDIS_SERVER"}  # kept by conftest
    subprocess_env = {n for n in call["env_names"]
                      if n not in launcher_only | test_settings
                      and not n.startswith(("SLUICE_FAKE", "SLUICE_BIN"))}

    assert docker_env == pod_env == subprocess_env
    job = lambda args: [a.rsplit("/", 1)[-1] for a in args]  # noqa: E731 - the jobs dir differs per backend
    assert job(fake.calls["create"]["command"]) == job(pod.spec.containers[0].args) == job(call["argv"])


def test_secrets_are_in_no_template_field_after_execution(monkeypatch):
    docker(monkeypatch, FakeDocker())
    op = operator("docker")
    op.execute(context())
    for field in op.template_fields:
        assert PASSWORD not in repr(getattr(op, field)) and TOKEN not in repr(getattr(op, field)), field
    k8s_op = operator("kubernetes")
    k8s_op.pod_for(context(), ["run"], {"A": "b"}, dry_run=True)
    for field in k8s_op.template_fields:
        assert PASSWORD not in repr(getattr(k8s_op, field)) and TOKEN not in repr(getattr(k8s_op, field)), field


def test_summary_is_the_last_json_object_with_job_and_status_or_partitions():
    lines = ['{"job": "orders", "status": "done", "records": 1}', "", '{"level": "INFO", "job": "orders", "msg": "x"}']
    assert contract.find_summary(lines) == {"job": "orders", "status": "done", "records": 1}
    assert contract.find_summary(["not json", "[1, 2]"]) is None
    assert contract.find_summary(['{"job": "o", "partitions": []}']) == {"job": "o", "partitions": []}


def test_failures_before_the_partition_starts_are_summaries_too():
    early = {"spec": "jobs/o.yaml", "partition": "x", "status": "failed", "exit_code": 64, "message": "bad key"}
    usage = {"command": "plan", "status": "error", "exit_code": 78, "error": "job spec jobs/o.yaml is invalid: ..."}
    log = '{"level": "ERROR", "message": "x", "status": "n/a"}'  # a log line is not a summary
    assert contract.find_summary([json.dumps(early), log]) == early
    assert contract.find_summary([json.dumps(usage)]) == usage
    assert contract.find_summary([log]) is None


def test_trace_context_is_handed_over_when_a_span_is_active():
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    assert contract.trace_env() == {}
    with trace.use_span(tracer.start_span("task"), end_on_exit=True):
        env = contract.trace_env()
    assert env["TRACEPARENT"].startswith("00-") and len(env["TRACEPARENT"].split("-")) == 4


class GoneDocker(FakeDocker):
    """A Docker engine whose container can be removed under the task, as a kill does."""

    def __init__(self, remove_error=None, **kw):
        super().__init__(**kw)
        self.gone, self.remove_error, self.removals = False, remove_error, 0
        self.on_attach = lambda: None

    def attach(self, **kw):
        self.on_attach()
        return super().attach(**kw)

    def _check(self, cid):
        if self.gone:
            raise NotFound(f"No such container: {cid}")

    def wait(self, cid):
        self._check(cid)
        return super().wait(cid)

    def logs(self, cid, **kw):
        self._check(cid)
        return super().logs(cid, **kw)

    def stop(self, cid):
        self._check(cid)
        super().stop(cid)

    def remove_container(self, cid, force=False):
        self.removals += 1
        self._check(cid)
        if self.remove_error:
            raise self.remove_error
        self.gone = True
        super().remove_container(cid, force)


def api_error(status, explanation):
    response = requests.Response()
    response.status_code = status
    return APIError(f"{status} Server Error", response=response, explanation=explanation)


def test_a_killed_docker_task_removes_its_container_once_and_says_it_was_killed(monkeypatch):
    fake = docker(monkeypatch, GoneDocker())
    op = operator("docker")
    fake.on_attach = op.on_kill  # SIGTERM arrives while the container runs
    killed = "the task was killed: its container was stopped and removed"
    with pytest.raises(backends.exit_codes.RunnerFailed, match=killed):
        op.execute(context())
    assert (fake.calls["stopped"], fake.calls["removed"], fake.gone) == ("c1", ("c1", True), True)
    assert fake.removals == 2  # on_kill removed it; launch's removal found it gone, quietly


def test_a_task_killed_while_its_container_is_being_removed_says_it_was_killed(monkeypatch):
    # on_kill (another thread) has stopped the container and is removing it when the task reads the
    # logs: the engine answers 409, which is the kill, not a failure to report.
    class Dying(GoneDocker):
        def logs(self, cid, **kw):
            raise api_error(409, "can not get logs from container which is dead or marked for removal")

    fake = docker(monkeypatch, Dying())
    op = operator("docker")
    fake.on_attach = lambda: setattr(op, "_killed", True)
    with pytest.raises(backends.exit_codes.RunnerFailed, match="the task was killed"):
        op.execute(context())
    assert fake.gone  # and launch's own removal finished the job


def test_a_409_from_an_engine_that_was_not_killed_is_not_hidden(monkeypatch):
    class Dying(GoneDocker):
        def logs(self, cid, **kw):
            raise api_error(409, "can not get logs from container which is dead or marked for removal")

    docker(monkeypatch, Dying())
    with pytest.raises(APIError, match="marked for removal"):
        operator("docker").execute(context())


def test_on_kill_after_the_container_is_gone_raises_nothing(monkeypatch):
    fake = docker(monkeypatch, GoneDocker())
    op = operator("docker")
    op.execute(context())  # done: the container was removed
    op.on_kill()
    assert fake.gone and fake.removals == 2


def test_a_removal_already_in_progress_is_a_removal(monkeypatch):
    in_progress = api_error(409, "removal of container c1 is already in progress")
    fake = docker(monkeypatch, GoneDocker(remove_error=in_progress))
    assert operator("docker").execute(context()) == SUMMARY
    assert fake.removals == 1


@pytest.mark.parametrize("status, explanation", [(500, "driver failed to remove root filesystem"),
                                                 (409, "conflict: in use")])
def test_a_failed_removal_is_not_hidden(monkeypatch, status, explanation):
    docker(monkeypatch, GoneDocker(remove_error=api_error(status, explanation)))
    with pytest.raises(APIError, match=explanation):
        operator("docker").execute(context())


def test_a_kill_while_the_container_is_being_created_waits_for_it_and_removes_it(monkeypatch):
    # The engine lists a container once created, a moment before create_container returns and the
    # operator knows its id: a kill in that moment must still stop and remove it (a fresh-clone CI
    # run saw the container live on for two minutes). The container runs until it is stopped.
    class Creating(GoneDocker):
        def __init__(self):
            super().__init__()
            self.stopped = threading.Event()

        def create_container(self, **kw):
            killer.start()
            deadline = time.monotonic() + 10
            while not getattr(op, "_killed", False) and time.monotonic() < deadline:
                time.sleep(0.01)  # on_kill has begun: it runs before the id is known
            time.sleep(0.1)
            return super().create_container(**kw)

        def stop(self, cid):
            super().stop(cid)
            self.stopped.set()

        def wait(self, cid):
            self.stopped.wait(30)  # a running container exits when it is stopped
            return super().wait(cid)

    fake = docker(monkeypatch, Creating())
    op = operator("docker")
    killer = threading.Thread(target=op.on_kill)
    with pytest.raises(backends.exit_codes.RunnerFailed, match="the task was killed"):
        op.execute(context())
    killer.join(timeout=30)
    assert not killer.is_alive() and fake.stopped.is_set() and fake.calls["stopped"] == "c1" and fake.gone


def test_a_killed_task_whose_container_was_never_created_does_nothing(monkeypatch):
    fake = docker(monkeypatch, GoneDocker())
    op = operator("docker")
    op.container = None
    op.on_kill()
    assert fake.removals == 0 and "stopped" not in fake.calls


def inspected(fake, mounts):
    """``mounts`` of the worker's own container; None: the worker is no container of this engine."""
    def inspect_container(name):
        if mounts is None:
            raise NotFound(f"No such container: {name}")
        return {"Mounts": mounts}

    fake.inspect_container = inspect_container
    return fake


def test_jobs_source_auto_is_the_host_path_of_the_workers_dag_folder_mount(monkeypatch):
    monkeypatch.setenv("SLUICE_DOCKER_JOBS_SOURCE", "auto")
    fake = docker(monkeypatch, inspected(FakeDocker(), [
        {"Type": "volume", "Source": "/var/lib/docker/volumes/logs", "Destination": "/opt/airflow/logs"},
        {"Type": "bind", "Source": "/home/ana/sluice", "Destination": str(DAGS.parent)},
        {"Type": "bind", "Source": "/home/ana/sluice/dags", "Destination": str(DAGS)},
    ]))
    op = operator("docker")
    assert op.jobs_source == "auto" and op.parsed_jobs_dir == str(DAGS / "jobs")
    op.execute(context())
    [mount] = fake.calls["host_config"]["mounts"]
    # The longest mount holding the parsed specs wins: the dags/ bind, not the repository's.
    assert (mount["Source"], mount["Target"], mount["ReadOnly"]) == (
        "/home/ana/sluice/dags/jobs", "/opt/sluice/jobs", True)


@pytest.mark.parametrize("mounts, why", [
    (None, "is not a container of this Docker engine"),
    ([{"Type": "bind", "Source": "/srv/logs", "Destination": "/opt/airflow/logs"}], "has no bind mount holding it"),
])
def test_jobs_source_auto_outside_a_container_with_the_dag_folder_fails_with_advice(monkeypatch, mounts, why):
    monkeypatch.setenv("SLUICE_DOCKER_JOBS_SOURCE", "auto")
    fake = docker(monkeypatch, inspected(FakeDocker(), mounts))
    advice = (f"SLUICE_DOCKER_JOBS_SOURCE=auto: cannot find the host path of {DAGS / 'jobs'}: "
              f"this worker .* {why}; set SLUICE_DOCKER_JOBS_SOURCE")
    with pytest.raises(AirflowFailException, match=advice):
        operator("docker").execute(context())
    assert "create" not in fake.calls


def test_a_wait_within_reschedule_timeout_is_a_reschedule_and_past_it_a_failure(monkeypatch):
    quota = {**QUOTA, "resume_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}
    docker(monkeypatch, FakeDocker(75, [json.dumps(quota)]))
    op = operator("docker")
    assert op.reschedule_timeout == timedelta(days=1)  # orders.yaml: a daily quota may wait until midnight
    with pytest.raises(AirflowRescheduleException):
        op.execute(context(first_reschedule=datetime.now(UTC) - timedelta(hours=22)))
    with pytest.raises(backends.exit_codes.WaitedTooLong, match=r"stopped waiting after 23h30m\d*s? .*past "
                                                                r"airflow.reschedule_timeout = 1d"):
        op.execute(context(first_reschedule=datetime.now(UTC) - timedelta(hours=23, minutes=30)))
