"""Accounts a person can keep: proving the email, password reset, changing the email, and the
account page's sessions."""
