"""API throughput and page latency on PostgreSQL: `python -m bench.api_throughput` (`make bench`).

Creates a throwaway database, migrates and seeds it, starts `cinepass api` as a separate
process, signs in over HTTP and drives it with wrk. See bench/README.md for what the
figures mean and the caveats.
"""
