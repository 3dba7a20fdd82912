"""Short-lived, single-use challenges a client carries between two requests of one flow."""
