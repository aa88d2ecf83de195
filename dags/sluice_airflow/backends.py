"""Where ``sluice`` runs: a Docker container (default), a Kubernetes pod, or a local process.

All three run the same command line (``plan``/``run`` arguments built by ``planning``) with the
same environment (``contract``), read the same JSON summary and map the exit code the same way
(``exit_codes``). Only ``launch`` differs. Choose per job with ``airflow.backend``, or for every
job without one with the env var ``SLUICE_BACKEND`` (read at parse time), else docker.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import shlex
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.docker.exceptions import DockerContainerFailedException
from airflow.providers.docker.operators.docker import DockerOperator, stringify
from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException
from docker.errors import APIError, NotFound
from docker.types import Mount
from kubernetes.client import models as k8s

from sluice_airflow import contract, exit_codes, messages, planning
from sluice_airflow.links import SluiceAdminLink
from sluice_airflow.spec import BACKENDS, JobSpec, SpecError

DEFAULT_BACKEND = "docker"
DEFAULT_IMAGE = "sluice-task-runner:latest"
IMAGE_JOBS_DIR = "/opt/sluice/jobs"
REPO = Path(__file__).resolve().parents[2]
TAIL = 20  # stdout lines kept to find the summary
KILL_WAIT_FOR_CONTAINER_SECONDS = 60  # on_kill waits this long for a container being created


def backend_for(spec: JobSpec, environ: dict[str, str] | os._Environ = os.environ) -> str:
    backend = spec.airflow.backend or environ.get("SLUICE_BACKEND") or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise SpecError(f"SLUICE_BACKEND = {backend!r} (environment, for {spec.path}): "
                        f"must be one of {', '.join(BACKENDS)}")
    return backend


def operator_class(backend: str) -> type[BaseOperator]:
    return {"docker": SluiceDockerOperator, "kubernetes": SluiceKubernetesPodOperator,
            "subprocess": SluiceSubprocessOperator}[backend]


class SluiceTask(BaseOperator):
    """What every backend shares: arguments, environment, summary, exit code → Airflow outcome.

    ``sluice_command`` is ``plan`` (returns the partition keys, the list the run tasks map over)
    or ``run`` (mapped over ``partition``; returns the summary, which lands in XCom). A run task
    links to its partition on the admin page when an admin URL is configured (``links``).
    """

    operator_extra_links = (SluiceAdminLink(),)

    def __init__(self, *, sluice_command: str, job: str, job_file: str, spec_sha256: str, partition_type: str,
                 partition: str | None = None, db_conn_id: str = "sluice_db",
                 forward_env: Sequence[str] = (), forward_secrets: Sequence[dict[str, Any]] = (),
                 reschedule_timeout: timedelta | None = None, **kwargs: Any) -> None:
        if sluice_command not in ("plan", "run"):
            raise ValueError(f"sluice_command = {sluice_command!r}: must be plan or run")
        super().__init__(**kwargs)
        self.sluice_command = sluice_command
        self.job = job
        self.job_file = job_file
        self.spec_sha256 = spec_sha256
        self.reschedule_timeout = reschedule_timeout
        self.partition_type = partition_type
        self.partition = partition
        self.db_conn_id = db_conn_id
        self.forward_env = list(forward_env)
        self.forward_secrets = [dict(s) for s in forward_secrets]

    @staticmethod
    def backend_kwargs(spec: JobSpec) -> dict[str, Any]:
        """Constructor arguments fixed by the spec (the same for the plan and the run tasks)."""
        return {}

    def sluice_args(self, context: Any) -> list[str]:
        if self.sluice_command == "run":
            return planning.run_args(self.job_file, self.spec_sha256, str(self.partition), self._params(context).force)
        params = self._params(context)
        try:
            if not (params.partitions or params.start_date):
                events = context.get("triggering_asset_events")
                keys = messages.message_partitions(events, self.partition_type)
                keys = planning.event_partitions(events) if keys is None else keys
                params = dataclasses.replace(params, partitions=keys) if keys else params
            window = planning.plan_args(self.partition_type, params,
                                        data_interval_start=context.get("data_interval_start"),
                                        data_interval_end=context.get("data_interval_end"),
                                        run_after=getattr(context.get("dag_run"), "run_after", None))
        except planning.PlanError as e:
            raise AirflowFailException(str(e)) from None
        return ["plan", *planning.job_args(self.job_file, self.spec_sha256), *window]

    @property
    def partition_label(self) -> str:
        """A run task's map index label: its partition, or its chunk's first and last and how many."""
        if isinstance(self.partition, (list, tuple)):
            keys = list(self.partition)
            return f"{keys[0]} .. {keys[-1]} ({len(keys)})" if len(keys) > 1 else str(keys[0])
        return str(self.partition)

    def execute(self, context: Any) -> Any:
        if self.sluice_command == "plan":
            return self._partitions(self._call(context, self.sluice_args(context), f"sluice plan {self.job}"))
        if isinstance(self.partition, (list, tuple)):
            return self._run_chunk(context, [str(key) for key in self.partition])
        summary = self._call(context, self.sluice_args(context), f"sluice run {self.job} {self.partition}")
        self._announce(context, planning.event_extra(self.job, summary))
        return summary

    def _run_chunk(self, context: Any, keys: list[str]) -> list[dict[str, Any]]:
        """A chunk (a plan longer than ``max_map_length``): its partitions one after the other, each a
        ``sluice run`` of its own. The first that does not succeed ends the task as it would end a task
        of its own (retry, wait or fail); the next try runs the chunk again from its first partition,
        and the partitions already complete are no-ops (unless forced)."""
        force, summaries = self._params(context).force, []
        for i, key in enumerate(keys):
            args = planning.run_args(self.job_file, self.spec_sha256, key, force)
            what = f"sluice run {self.job} {key} (partition {i + 1} of {len(keys)} in this task's chunk)"
            summaries.append(self._call(context, args, what))
        self._announce(context, planning.chunk_event_extra(self.job, summaries))
        return summaries

    def _call(self, context: Any, args: list[str], what: str) -> dict[str, Any]:
        """One ``sluice`` invocation: its summary, or the exception that makes Airflow act on its exit code."""
        conn = contract.db_connection(self.db_conn_id)
        env = contract.public_env(context, conn, self.forward_env)
        exit_code, lines = self.launch(context, args, env, conn)
        summary = contract.find_summary(lines)
        waits = exit_codes.action_for(exit_code, summary) is exit_codes.Action.WAIT
        exit_codes.raise_for(exit_code, summary, what, reschedule_timeout=self.reschedule_timeout,
                             waiting_since=self._waiting_since(context) if waits else None)
        if summary is None:
            raise exit_codes.RunnerFailed(f"{what} exited 0 but printed no JSON summary on stdout")
        return summary

    def _announce(self, context: Any, extra: dict[str, Any]) -> None:
        """Attach the partitions to the events of this task's outlet assets (``airflow.outlets``), which
        Airflow records when the task succeeds: a DAG scheduled on them plans exactly these keys."""
        for asset in self.outlets:
            context["outlet_events"][asset].extra = extra

    def _partitions(self, summary: dict[str, Any]) -> list[str] | list[list[str]]:
        """The plan as the run tasks map over it: beyond ``[core] max_map_length`` keys, chunks."""
        from airflow.sdk.configuration import conf

        keys, limit = list(summary["partitions"]), conf.getint("core", "max_map_length")
        tasks = planning.chunked(keys, limit)
        if len(tasks) < len(keys):
            self.log.info("sluice plan %s planned %d partitions, more than [core] max_map_length = %d: %d run "
                          "tasks of up to %d partitions each, run one after the other within a task",
                          self.job, len(keys), limit, len(tasks), len(tasks[0]))
        return tasks

    def launch(self, context: Any, args: list[str], env: dict[str, str], conn: Any) -> tuple[int, list[str]]:
        """Run ``sluice ARGS`` with ``env`` plus the secrets; return (exit code, last stdout lines)."""
        raise NotImplementedError

    @staticmethod
    def _waiting_since(context: Any) -> datetime:
        """When this try started waiting: the start of its first rescheduled attempt (what sensors in
        reschedule mode count their timeout from; Airflow drops a try's reschedules when the next try
        starts), else the start of this attempt."""
        ti = context["ti"]
        return ti.get_first_reschedule_date(context) or ti.start_date or datetime.now(UTC)

    def _params(self, context: Any) -> planning.TriggerParams:
        try:
            return planning.parse_params(context.get("params") or {})
        except planning.PlanError as e:
            raise AirflowFailException(str(e)) from None


class SluiceDockerOperator(SluiceTask, DockerOperator):
    """``sluice`` in a container of the runner image; secrets go in ``private_environment``.

    Deployment settings (env, read at parse time): ``DOCKER_HOST``, ``SLUICE_DOCKER_NETWORK``
    (e.g. the compose network, so the runner reaches PostgreSQL by name), ``SLUICE_DOCKER_JOBS_DIR``
    (where the image holds the specs, default /opt/sluice/jobs), ``SLUICE_DOCKER_JOBS_SOURCE``: the
    host directory of the specs the DAGs parse, bind-mounted there read-only, so the runner reads
    the very same files; ``auto`` finds it at run time from this worker's own container (``auto``
    is what docker-compose.yml sets; see ``jobs_source``).
    """

    AUTO = "auto"

    @staticmethod
    def backend_kwargs(spec: JobSpec) -> dict[str, Any]:
        return {
            "image": spec.airflow.image or os.environ.get("SLUICE_IMAGE", DEFAULT_IMAGE),
            "job_file": f"{os.environ.get('SLUICE_DOCKER_JOBS_DIR', IMAGE_JOBS_DIR)}/{spec.path.name}",
            "network_mode": os.environ.get("SLUICE_DOCKER_NETWORK") or None,
            "jobs_source": os.environ.get("SLUICE_DOCKER_JOBS_SOURCE") or None,
            "parsed_jobs_dir": str(spec.path.parent.resolve()),
            "mount_tmp_dir": False,
        }

    def __init__(self, *, jobs_source: str | None = None, parsed_jobs_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.jobs_source = jobs_source
        self.parsed_jobs_dir = parsed_jobs_dir

    def launch(self, context: Any, args: list[str], env: dict[str, str], conn: Any) -> tuple[int, list[str]]:
        self.command = args
        self.environment = env
        self._private_environment = contract.secret_env(conn, self.forward_secrets)
        self.auto_remove = "never"  # removed below, once stdout has been read
        self.container, self._killed, self._launching = None, False, True
        if self.jobs_source:
            source = self.jobs_source_path()
            self.mounts = [Mount(target=self.job_file.rsplit("/", 1)[0], source=source, type="bind", read_only=True)]
        try:
            result = self._run_container(context)
        except (NotFound, APIError):  # killed: the container is stopped, being removed (409) or gone
            if not self._killed:
                raise
            result = None
        finally:
            self._launching = False
            if self.container:
                self._remove(self.container["Id"])
        if self._killed:  # whether on_kill removed the container before or after its exit was read
            raise exit_codes.RunnerFailed("the task was killed: its container was stopped and removed")
        return result

    def _run_container(self, context: Any) -> tuple[int, list[str]]:
        try:
            DockerOperator.execute(self, context)
            exit_code = 0
        except DockerContainerFailedException:
            if not self.container:
                raise
            exit_code = self.cli.wait(self.container["Id"])["StatusCode"]
        stdout = stringify(self.cli.logs(self.container["Id"], stdout=True, stderr=False, tail=TAIL))
        return exit_code, stdout.splitlines()

    def jobs_source_path(self) -> str:
        """The host path of the specs, as the Docker engine sees it (bind mounts name host paths).

        ``auto``: this worker runs in a container of the same engine (docker-compose.yml), which
        bind-mounts the DAG folder; the host path is that mount's source plus the rest of the
        path of the specs this DAG parsed. Read at run time (parsing does no I/O).
        """
        if self.jobs_source != self.AUTO:
            return str(self.jobs_source)
        parsed, me = Path(str(self.parsed_jobs_dir)), socket.gethostname()
        try:
            mounts = self.cli.inspect_container(me).get("Mounts") or []
        except NotFound:
            mounts = None
        for mount in sorted(mounts or [], key=lambda m: len(m.get("Destination", "")), reverse=True):
            inside = Path(mount.get("Destination", "/nowhere"))
            if mount.get("Type") == "bind" and parsed.is_relative_to(inside):
                return str(Path(mount["Source"]) / parsed.relative_to(inside))
        where = "is not a container of this Docker engine" if mounts is None else "has no bind mount holding it"
        raise AirflowFailException(
            f"SLUICE_DOCKER_JOBS_SOURCE=auto: cannot find the host path of {parsed}: this worker ({me}) {where}; "
            f"set SLUICE_DOCKER_JOBS_SOURCE to the host directory of the job specs")

    def _remove(self, container_id: str) -> None:
        """Remove a container that may be gone already: ``launch`` and ``on_kill`` both remove it, in
        either order. Only "no such container" and "removal already in progress" mean done."""
        try:
            self.cli.remove_container(container_id, force=True)
        except NotFound:
            pass
        except APIError as e:
            if e.status_code != 409 or "already in progress" not in str(e.explanation):
                raise

    def _container_being_created(self) -> dict[str, Any] | None:
        """The container of the running ``launch``. A container is listed by the engine as soon as
        it is created, a moment before ``create_container`` returns and ``self.container`` is set:
        a kill in that moment waits for it (bounded) rather than leave it running unkilled."""
        deadline = time.monotonic() + KILL_WAIT_FOR_CONTAINER_SECONDS
        while getattr(self, "_launching", False) and not getattr(self, "container", None) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        return getattr(self, "container", None)

    def on_kill(self) -> None:
        # Not DockerOperator.on_kill: it switches auto_remove while execute() runs, whose own
        # removal then fails on the container removed here. A killed attempt leaves no container.
        self._killed = True
        container = self._container_being_created()
        if not container:
            return
        try:
            self.cli.stop(container["Id"])
        except NotFound:
            pass
        self._remove(container["Id"])


class SluiceKubernetesPodOperator(SluiceTask, KubernetesPodOperator):
    """``sluice`` in a pod of the runner image. Secrets are never read by Airflow: each one is a
    ``secretKeyRef`` (optional) to a key of the same name in the Kubernetes Secret
    ``SLUICE_K8S_SECRET`` (default ``sluice-secrets``), so the pod spec holds only references.

    Deployment settings (env, read at parse time): ``SLUICE_K8S_NAMESPACE``, ``SLUICE_K8S_SECRET``,
    ``SLUICE_K8S_JOBS_DIR`` (default /opt/sluice/jobs), ``SLUICE_K8S_PULL_POLICY`` (IfNotPresent).
    """

    @staticmethod
    def backend_kwargs(spec: JobSpec) -> dict[str, Any]:
        jobs_dir = os.environ.get("SLUICE_K8S_JOBS_DIR", IMAGE_JOBS_DIR)
        return {
            "image": spec.airflow.image or os.environ.get("SLUICE_IMAGE", DEFAULT_IMAGE),
            "job_file": f"{jobs_dir}/{spec.path.name}",
            "namespace": os.environ.get("SLUICE_K8S_NAMESPACE") or None,
            "secret_name": os.environ.get("SLUICE_K8S_SECRET", "sluice-secrets"),
            "image_pull_policy": os.environ.get("SLUICE_K8S_PULL_POLICY", "IfNotPresent"),
            "name": f"sluice-{spec.job}".lower().replace("_", "-").replace(".", "-"),
            "labels": {"sluice-job": spec.job.lower().replace("_", "-")},
            "get_logs": True,
            "deferrable": False,
            "on_finish_action": "delete_pod",
        }

    def __init__(self, *, secret_name: str = "sluice-secrets", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.secret_name = secret_name

    def pod_for(self, context: Any, args: list[str], env: dict[str, str], dry_run: bool = False) -> k8s.V1Pod:
        """The pod this attempt creates: public env as values, secrets as references."""
        self.arguments = args
        self.env_vars = [k8s.V1EnvVar(name=k, value=v) for k, v in env.items()] + [
            k8s.V1EnvVar(name=name, value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(
                name=self.secret_name, key=name, optional=True)))
            for name in contract.secret_names(self.forward_secrets)]
        keep, self.do_xcom_push = self.do_xcom_push, False  # no xcom sidecar: the summary comes from the log
        try:
            return self.build_pod_request_obj(context, dry_run=dry_run)
        finally:
            self.do_xcom_push = keep

    def launch(self, context: Any, args: list[str], env: dict[str, str], conn: Any) -> tuple[int, list[str]]:
        self.pod_request_obj = self.pod_for(context, args, env)
        self._exit_code: int | None = None
        self._tail: list[str] = []
        keep, self.do_xcom_push = self.do_xcom_push, False
        try:
            KubernetesPodOperator.execute(self, context)
        except Exception:
            if self._exit_code is None:  # the pod never ran the runner: retry
                raise
        finally:
            self.do_xcom_push = keep
        return (self._exit_code or 0), self._tail

    def cleanup(self, pod: k8s.V1Pod, remote_pod: k8s.V1Pod, xcom_result: dict | None = None,
                context: Any = None) -> None:
        # Read the exit code and the last log lines before the pod is deleted.
        if remote_pod is not None and not self._killed:
            statuses = (remote_pod.status and remote_pod.status.container_statuses) or []
            base = next((s for s in statuses if s.name == self.base_container_name), None)
            if base and base.state and base.state.terminated:
                self._exit_code = base.state.terminated.exit_code
                self._tail = self.client.read_namespaced_pod_log(
                    name=pod.metadata.name, namespace=pod.metadata.namespace,
                    container=self.base_container_name, tail_lines=TAIL).splitlines()
        super().cleanup(pod, remote_pod, xcom_result, context)


class SluiceSubprocessOperator(SluiceTask):
    """``sluice`` as a local process (development, CI, machines without a container engine).

    The launcher is ``SLUICE_BIN``, else ``task-runner/bin/sluice`` of this checkout. The process
    gets the contract environment plus only what the launcher needs from the worker (PATH, HOME,
    JAVA_HOME, locale, ``SLUICE_*`` launcher settings): no Airflow config or credentials leak in.
    The environment is never logged; stderr (the runner's JSON log lines) streams into the task log.
    """

    INHERITED = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME")

    @staticmethod
    def backend_kwargs(spec: JobSpec) -> dict[str, Any]:
        return {"job_file": str(spec.path.resolve())}

    def launch(self, context: Any, args: list[str], env: dict[str, str], conn: Any) -> tuple[int, list[str]]:
        launcher = os.environ.get("SLUICE_BIN") or str(REPO / "task-runner" / "bin" / "sluice")
        inherited = {k: v for k, v in os.environ.items()
                     if k in self.INHERITED or (k.startswith("SLUICE_") and not k.startswith("SLUICE_DB_"))}
        full_env = {**inherited, **env, **contract.secret_env(conn, self.forward_secrets)}
        self.log.info("Running %s", shlex.join([launcher, *args]))
        self._proc = subprocess.Popen([launcher, *args], env=full_env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, errors="replace")
        logger = threading.Thread(target=self._log_lines, args=(self._proc.stderr,), daemon=True)
        logger.start()
        tail: collections.deque[str] = collections.deque(maxlen=TAIL)
        for line in self._proc.stdout:  # type: ignore[union-attr]
            self.log.info("%s", line.rstrip())
            tail.append(line)
        exit_code = self._proc.wait()
        logger.join()
        return exit_code, list(tail)

    def _log_lines(self, stream: Any) -> None:
        for line in stream:
            self.log.info("%s", line.rstrip())

    def on_kill(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc and proc.poll() is None:
            proc.terminate()  # the runner's shutdown hook releases its lease
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
