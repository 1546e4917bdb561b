"""Cadence: a persistent-WebSocket inference server for voice agents."""

__version__ = "0.1.0"

__all__ = ["__version__"]
