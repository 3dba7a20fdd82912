"""The audit trail: an append-only record of every security-relevant change, who made it, from
where, and whether it worked."""
