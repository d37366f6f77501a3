"""`python -m dashboard validate FILE` in a child process whose address space is capped: the bounded-memory tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIGABYTE = 1024**3
DRIVER = """
import atexit, resource, runpy, sys
limit = int(sys.argv[1])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    sys.stderr.write("PEAK %s\\n" % status["VmPeak"].split()[0])
atexit.register(peak)
sys.argv = ["atlas", "validate", *sys.argv[2:]]
runpy.run_module("dashboard", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Run:
    """What the capped command did: exit code, its output (the peak line left out), peak address space in bytes."""

    code: int
    stdout: str
    stderr: str
    peak: int


def validate_capped(path: Path, limit: int) -> Run:
    """`python -m dashboard validate path` with its address space capped at `limit` bytes (0: no cap)."""
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, str(limit), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        timeout=120,
    )
    lines = run.stderr.splitlines()
    peaks = [int(line.split()[1]) * 1024 for line in lines if line.startswith("PEAK ")]
    stderr = "\n".join(line for line in lines if not line.startswith("PEAK "))
    return Run(run.returncode, run.stdout, stderr, peaks[-1] if peaks else 0)
