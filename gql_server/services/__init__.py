"""Use cases. Each mutation is one unit of work (one transaction)."""
