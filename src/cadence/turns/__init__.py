"""Turns: the per-connection state machine, sans I/O."""
