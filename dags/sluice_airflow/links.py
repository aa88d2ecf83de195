"""The run task's link to its partition on the Sluice admin page (``sluice serve``).

The admin URL comes from the worker's environment (``SLUICE_ADMIN_URL``) or else the Airflow
Variable ``sluice_admin_url``; with neither, run tasks show no link. Airflow 3 resolves extra
links on the worker when a task ends and keeps them in XCom, so nothing here runs at parse time.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from airflow.sdk import BaseOperatorLink

ENV = "SLUICE_ADMIN_URL"
VARIABLE = "sluice_admin_url"


def admin_url(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """The admin server's base URL, or None when none is configured."""
    url = environ.get(ENV)
    if not url:
        from airflow.sdk import Variable

        try:
            url = Variable.get(VARIABLE, default=None)
        except Exception:  # noqa: BLE001 - no Variable backend reachable: no link rather than a failed task
            url = None
    return url.rstrip("/") if url else None


def partition_url(base: str, job: str, partition: str) -> str:
    """The page, opened on ``job`` with ``partition`` highlighted."""
    return f"{base}/#job={quote(job, safe='')}&partition={quote(partition, safe='')}"


class SluiceAdminLink(BaseOperatorLink):
    """"Sluice admin" on a run task: its partition's row on the admin page."""

    name = "Sluice admin"

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        if getattr(operator, "sluice_command", None) != "run" or operator.partition is None:
            return ""
        base = admin_url()
        partition = operator.partition  # a chunk (a plan past max_map_length) links to its first partition
        first = partition[0] if isinstance(partition, (list, tuple)) and partition else partition
        return partition_url(base, operator.job, str(first)) if base else ""
