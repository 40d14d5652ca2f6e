"""A bare `linehub worker` knows every job a request can queue: it imports no resolver
or schema, so the job modules must be reached from the engine itself."""

from __future__ import annotations

import subprocess
import sys

from jobs.exports import TRANSACTIONS
from jobs.payments import AUTOPAY_STOPPED, REFUND_BINDING
from jobs.usage_export import USAGE
from tests.helpers import ROOT


def test_a_worker_process_registers_the_jobs_requests_queue() -> None:
    program = "import cli.worker; from jobs.registry import REGISTRY; print(sorted(REGISTRY))"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for kind in (TRANSACTIONS, USAGE, REFUND_BINDING, AUTOPAY_STOPPED, "lines.send_sms"):
        assert f"'{kind}'" in done.stdout, kind
