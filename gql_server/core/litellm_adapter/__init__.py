"""The litellm adapter: the only code that imports litellm."""
