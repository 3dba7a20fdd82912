"""Benchmarks for cinepass; `make bench` runs `python -m bench.api_throughput`."""
