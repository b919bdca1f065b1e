"""Live routing: the Routers of active groups, and one test request."""
