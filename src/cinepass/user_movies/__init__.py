"""User movies: each user's own list."""
