"""What each user is watching: saved positions (Continue watching) and plays (Trends)."""
