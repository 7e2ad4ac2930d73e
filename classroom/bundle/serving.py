"""Serving an opened bundle: the app in a child process, the unpacked files removed after.

The app runs as ``classroom run`` in a child process rather than in this one: the web server
ends its process on a signal in its own way (it re-raises SIGTERM once it has shut down), and
this process must outlive it to remove the unpacked bundle whatever way the app stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType

from classroom.bundle.opening import OpenedBundle

__all__ = ["serve_bundle"]

_STOP_SECONDS = 15.0


def serve_bundle(opened: OpenedBundle, *, port: int, host: str) -> int:
    """Run the app on ``opened`` until it stops; returns its exit status (0 when stopped by
    Ctrl+C or SIGTERM)."""
    command = [sys.executable, "-m", "classroom", "run", "--port", str(port), "--host", host]
    command += ["--lessons", str(opened.lessons_dir)]
    if opened.manifest.untrained:
        command.append("--untrained")
    environment = {**os.environ, **opened.environment()}
    environment.pop("CLASSROOM_WEIGHTS_FILE", None)  # the bundle says which weights made it
    child = subprocess.Popen(command, env=environment)

    def forward(number: int, _frame: FrameType | None) -> None:
        child.send_signal(number)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                status = child.wait()
                return 0 if status < 0 else status
            except KeyboardInterrupt:  # the terminal sent Ctrl+C to the child too: wait for it
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
