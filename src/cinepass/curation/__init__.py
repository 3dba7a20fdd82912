"""A catalogue that feels curated: genres, Trends and the home page's rows."""
