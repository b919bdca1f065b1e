"""What litellm's Router keeps per deployment (cooldowns, fails, usage), on a run's clock."""
