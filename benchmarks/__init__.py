"""Benchmarks: `python -m benchmarks` measures what users feel (see README)."""
