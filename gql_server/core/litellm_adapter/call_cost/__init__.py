"""What the adapter cuts from litellm's per-call work: the memo of its capability look-ups
(memo.py), a throwaway Router's logging reduced to what routing reads (quiet_logging.py) and its
mocked attempts' chat set-up replayed once known (lean_mock.py). All installed by
`install.install()`."""
