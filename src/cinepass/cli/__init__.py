"""The `cinepass` command line: servers, database, keys, users, seeding and the admin client."""
