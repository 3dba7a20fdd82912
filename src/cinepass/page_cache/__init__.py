"""Each API process's cache of serialised catalogue pages, and how it learns of changes.

A page is kept with the generation it was read in and served only while that generation is
current and the catalogue's version was confirmed recently. The generation moves on when this
process commits a change to the catalogue (at once) or when a poll of the database's
`catalogue_version` (bumped by triggers, whoever writes) finds another process's change
(within `CINEPASS_CACHE_POLL_SECONDS`, twice that when a poll fails).
"""
