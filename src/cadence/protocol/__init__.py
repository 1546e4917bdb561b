"""The wire protocol: frames, validation, error and close codes (pure, no I/O)."""
