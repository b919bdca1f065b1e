"""Domain: groups, deployments, traces, limits, errors. No litellm, no framework."""
