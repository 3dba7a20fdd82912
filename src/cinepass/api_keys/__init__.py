"""API keys: the secrets clients present at sign-in, and the scopes they carry."""
