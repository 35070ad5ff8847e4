"""Benchmarks of issue 11: a synthetic corpus generator and a runner (``python -m benchmarks.run``)."""
