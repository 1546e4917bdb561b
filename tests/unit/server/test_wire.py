"""WireProtocol: the WebSocket edge on websockets' sans-I/O layer, driven
byte for byte by a real websockets client protocol (no sockets)."""

from __future__ import annotations

import asyncio
import dataclasses
import http

from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Close, Frame, Opcode
from websockets.uri import parse_uri
from wire_fakes import LIMITS, Opener, Peer


async def test_upgrade_then_messages_both_ways() -> None:
    peer = Peer()
    assert peer.handshake().status_code == 101
    assert peer.opener.responses == [101]
    peer.client.send_text(b'{"type":"ping"}')
    peer.pump_to_server()
    assert peer.opener.handler.texts == ['{"type":"ping"}']
    peer.wire.send_text(b'{"type":"pong"}')
    frames = peer.frames()
    assert [(f.opcode, f.data) for f in frames] == [(Opcode.TEXT, b'{"type":"pong"}')]
    assert peer.wire.remote_address == ("127.0.0.1", 5555)


async def test_frames_of_one_loop_step_leave_together_in_order_in_one_write() -> None:
    peer = Peer()
    Peer(flusher=peer.flusher)  # with another connection open, writes are coalesced
    peer.handshake()
    peer.wire.send_text(b'{"n":1}')
    peer.wire.send_text(b'{"n":2}')
    assert peer.transport.written == []  # held until the step ends
    await asyncio.sleep(0)
    assert len(peer.transport.written) == 1
    assert [f.data for f in peer.frames()] == [b'{"n":1}', b'{"n":2}']
    peer.wire.send_text(b'{"n":3}')
    peer.wire.close(1000, "bye")  # a close writes what is held first, at once
    assert len(peer.transport.written) == 1
    frames = peer.frames()
    assert [f.opcode for f in frames] == [Opcode.TEXT, Opcode.CLOSE] and frames[0].data == b'{"n":3}'
    await asyncio.sleep(0)  # the scheduled flush finds nothing left
    assert peer.transport.written == []


async def test_a_lone_connection_writes_each_frame_at_once() -> None:
    peer = Peer()
    peer.handshake()
    peer.wire.send_text(b'{"n":1}')
    peer.wire.send_text(b'{"n":2}')
    assert len(peer.transport.written) == 2


async def test_a_rejected_upgrade_sends_the_response_and_closes_tcp() -> None:
    peer = Peer(Opener(reject=http.HTTPStatus.UNAUTHORIZED))
    response = peer.handshake()
    assert response.status_code == 401 and response.body == b"no\n"
    assert peer.opener.responses == [401]
    assert peer.transport.closed and peer.opener.handler.texts == []


async def test_fragmented_messages_are_reassembled() -> None:
    peer = Peer()
    peer.handshake()
    peer.client.send_text("héllo ".encode()[:3], fin=False)
    peer.client.send_continuation("héllo ".encode()[3:], fin=False)
    peer.client.send_continuation(b"world", fin=True)
    peer.client.send_binary(b"ab", fin=False)
    peer.client.send_continuation(b"cd", fin=True)
    peer.pump_to_server()
    assert peer.opener.handler.texts == ["héllo world"]
    assert peer.opener.handler.binaries == 1


async def test_invalid_utf8_closes_1007_and_delivers_nothing() -> None:
    peer = Peer()
    peer.handshake()
    peer.client.send_text(b"\xff\xfe")
    peer.pump_to_server()
    assert peer.opener.handler.texts == []
    closes = [Close.parse(f.data) for f in peer.frames() if f.opcode is Opcode.CLOSE]
    assert [c.code for c in closes] == [1007]
    assert peer.transport.closed


async def test_an_oversized_message_closes_1009() -> None:
    peer = Peer()
    peer.handshake()
    peer.client.send_text(b"x" * (LIMITS.max_message_bytes + 1))
    peer.pump_to_server()
    closes = [Close.parse(f.data) for f in peer.frames() if f.opcode is Opcode.CLOSE]
    assert [c.code for c in closes] == [1009] and peer.opener.handler.texts == []


async def test_a_client_close_is_echoed_and_later_sends_are_dropped() -> None:
    peer = Peer()
    peer.handshake()
    peer.client.send_close(1000, "bye")
    peer.pump_to_server()
    closes = [Close.parse(f.data) for f in peer.frames() if f.opcode is Opcode.CLOSE]
    assert [(c.code, c.reason) for c in closes] == [(1000, "bye")]
    assert peer.transport.closed and not peer.wire.is_open
    peer.wire.send_text(b"late")  # a no-op, not an error
    assert peer.transport.written == []
    peer.wire.connection_lost(None)
    peer.wire.connection_lost(None)
    assert peer.opener.handler.closed == 1 and peer.wire.closed


async def test_a_server_close_cuts_tcp_when_the_peer_never_answers() -> None:
    peer = Peer(limits=dataclasses.replace(LIMITS, close_timeout_s=0.05))
    peer.handshake()
    peer.wire.close(4000, "idle_timeout")
    peer.wire.close(4000, "idle_timeout")  # idempotent
    closes = [Close.parse(f.data) for f in peer.frames() if f.opcode is Opcode.CLOSE]
    assert [(c.code, c.reason) for c in closes] == [(4000, "idle_timeout")]
    assert not peer.transport.aborted
    await asyncio.sleep(0.2)
    assert peer.transport.aborted


async def test_an_unanswered_ping_closes_1011_and_an_answered_one_does_not() -> None:
    limits = dataclasses.replace(LIMITS, ping_interval_s=0.05, ping_timeout_s=0.1, close_timeout_s=0.05)
    answered, silent = Peer(limits=limits), Peer(limits=limits)
    answered.handshake()
    silent.handshake()
    for _ in range(6):
        await asyncio.sleep(0.04)
        answered.pump_to_client()
        answered.pump_to_server()  # the client protocol answers pings by itself
    assert not answered.transport.closed
    frames: list[Frame] = silent.frames()
    assert any(f.opcode is Opcode.PING for f in frames)
    assert [Close.parse(f.data).code for f in frames if f.opcode is Opcode.CLOSE] == [1011]
    await asyncio.sleep(0.1)
    assert silent.transport.closed


async def test_a_peer_that_never_sends_a_request_is_cut_off() -> None:
    peer = Peer(limits=dataclasses.replace(LIMITS, open_timeout_s=0.05))
    await asyncio.sleep(0.15)
    assert peer.transport.aborted and peer.opener.responses == []


async def test_flow_control_reaches_the_handler_and_connection_lost_once() -> None:
    peer = Peer()
    peer.handshake()
    assert peer.transport.high_water == LIMITS.write_limit_bytes
    peer.wire.pause_writing()
    assert peer.wire.paused and peer.opener.handler.paused == 1
    peer.wire.resume_writing()
    assert not peer.wire.paused and peer.opener.handler.resumed == 1
    peer.wire.connection_lost(ConnectionResetError())
    assert peer.opener.handler.closed == 1


async def test_compression_is_never_negotiated() -> None:
    peer = Peer()
    peer.client = ClientProtocol(
        parse_uri("ws://127.0.0.1/ws"), extensions=[ClientPerMessageDeflateFactory()]
    )
    request = peer.client.connect()
    assert "permessage-deflate" in request.headers["Sec-WebSocket-Extensions"]
    peer.client.send_request(request)
    peer.pump_to_server()
    response = peer.pump_to_client()[0]
    assert response.status_code == 101 and "Sec-WebSocket-Extensions" not in response.headers


async def test_a_direct_write_leaves_the_connection_listed_once() -> None:
    peer = Peer()
    Peer(flusher=peer.flusher)  # coalescing
    peer.handshake()
    calls: list[int] = []
    flush_now = peer.wire.flush_now
    peer.wire.flush_now = lambda: (calls.append(1), flush_now())  # type: ignore[method-assign]
    peer.wire.send_text(b'{"n":1}')  # listed for the step's flush
    peer.client.send_ping(b"p")
    peer.pump_to_server()  # the pong is written at once, behind {"n":1}
    assert len(peer.transport.written) == 1
    peer.wire.send_text(b'{"n":2}')  # still listed: no second request
    await asyncio.sleep(0)
    assert calls == [1] and len(peer.transport.written) == 2
    peer.client.receive_data(peer.transport.take())
    frames = [e for e in peer.client.events_received() if isinstance(e, Frame)]
    assert [(f.opcode, f.data) for f in frames] == [
        (Opcode.TEXT, b'{"n":1}'), (Opcode.PONG, b"p"), (Opcode.TEXT, b'{"n":2}')]
