"""classroom's page, timed: the open benchmark's server (see :mod:`benchmarks.open_lesson`)."""
