"""Films' media: clips made locally, served with Range, behind URLs signed for one user."""
