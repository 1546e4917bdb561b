"""The asyncio WebSocket server: handshake, connections, drain (the I/O edge)."""
