"""Several processes, one state: replicas behind nginx, database outages, concurrent writers."""
