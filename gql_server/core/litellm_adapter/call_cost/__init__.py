"""What the adapter cuts from litellm's per-call work: the memo of its capability look-ups
(memo.py) and a throwaway Router's logging reduced to what routing reads (quiet_logging.py).
Both installed by `install.install()`."""
