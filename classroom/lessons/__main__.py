"""``python -m classroom.lessons``: the same command as ``classroom check`` (classroom.cli)."""

from classroom.cli import check

check(prog_name="python -m classroom.lessons")
