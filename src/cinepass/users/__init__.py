"""Users: accounts, roles and their persistence."""
