"""Benchmarks: `python -m benchmarks` prints a small table. Speed lives here, not in tests."""
