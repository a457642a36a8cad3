"""Benchmarks of xinyong (`make bench`, `python -m bench`).

Speed is measured here, never in timed tests: each figure is printed beside a
reference measured in the same run on the same machine (see `bench.ingest`).
"""
