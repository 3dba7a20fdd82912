"""The admin console's API: people, their sessions, API keys and the catalogue's import."""
