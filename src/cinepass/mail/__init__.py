"""Outgoing mail: letters rendered from templates, queued in the database with the change that
causes them, and sent over SMTP by each API process in the background."""
