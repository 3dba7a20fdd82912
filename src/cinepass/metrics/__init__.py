"""Prometheus metrics: what each process counts, the ASGI middleware that times requests, and the
listener that serves them on an address of their own (never the public port)."""
