"""Access services: keys, teams, their cache and their rate windows."""
