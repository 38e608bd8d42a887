"""What one chat message costs the websocket stack per frame, layer by layer, in CPU time.

    .venv/bin/python -m bench.frame_bench [--frames 5000] [--repeats 7] [--json]

A message on the realtime path is one frame in (the `say`, with its ack id) and, with the
sender's echo gone, one ack frame back plus one `said` frame to the other side. This times the
layers every such frame crosses in the worker, each alone, on the same realistic payloads
(chat lines of varied length, seqs and client ids, so the compressor cannot learn one string):

- socket.io packet: encode (server → client) and decode (client → server), python-socketio;
- engine.io packet: encode and decode, python-engineio;
- websocket frame with permessage-deflate, as simple-websocket always accepts it (wsproto):
  send (compress + frame) and receive (parse + inflate);
- the same websocket frame without the extension: the baseline for the decision "turn
  permessage-deflate off".

CPU time (`time.process_time`) per frame, median of --repeats runs, so a busy neighbour on the
machine slows the wall clock but not the figure much. It measures the libraries, not the
network, gevent's loop or our handlers: docs/realtime.md puts it beside the whole-worker
profile.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from engineio import packet as eio_packet
from socketio import packet as sio_packet
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

WORDS = ("the reconciliation runs every night and you can start it by hand from the bank feed "
         "page invoices matched with payments show a green tick export to csv or excel api key "
         "webhook retries five times within an hour pricing per seat annual plan discount").split()


def payloads(count: int, seed: int = 7) -> list[dict]:
    """Chat messages as the `said` event carries them, of 3 to 40 words."""
    rng = random.Random(seed)
    return [{"conversation_id": rng.randint(1, 10_000), "seq": i + 1, "author": "employee",
             "employee_id": rng.randint(1, 300), "client_id": f"c-{rng.getrandbits(64):016x}",
             "body": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40))),
             "created_at": f"2026-11-28T04:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}Z"}
            for i in range(count)]


def _websocket_pair(deflate: bool) -> tuple[WSConnection, WSConnection]:
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="127.0.0.1", target="/socket.io/",
                                            extensions=[PerMessageDeflate()])))
    list(server.events())
    client.receive_data(server.send(AcceptConnection(
        extensions=[PerMessageDeflate()] if deflate else [])))
    list(client.events())
    return client, server


def _cpu_per_item(work, items: list) -> float:
    start = time.process_time()
    for item in items:
        work(item)
    return (time.process_time() - start) / len(items) * 1e6


def _websocket_figures(deflate: bool, texts: list[str]) -> dict[str, float]:
    name = "deflate" if deflate else "plain"
    client, server = _websocket_pair(deflate)
    send = _cpu_per_item(lambda t: server.send(TextMessage(data=t)), texts)
    frames = [client.send(TextMessage(data=t)) for t in texts]

    def receive(frame: bytes) -> None:
        server.receive_data(frame)
        for _ in server.events():
            pass
    return {f"ws_send_{name}": send, f"ws_receive_{name}": _cpu_per_item(receive, frames)}


def one_run(messages: list[dict]) -> dict[str, float]:
    """µs of CPU per frame for each layer, in one pass over the messages."""
    events = [sio_packet.Packet(sio_packet.EVENT, data=["said", m], namespace="/employee")
              for m in messages]
    sio_text = [p.encode() for p in events]
    eio_text = [eio_packet.Packet(eio_packet.MESSAGE, data=t).encode() for t in sio_text]
    figures = {
        "socketio_encode": _cpu_per_item(lambda p: p.encode(), events),
        "socketio_decode": _cpu_per_item(lambda t: sio_packet.Packet(encoded_packet=t), sio_text),
        "engineio_encode": _cpu_per_item(
            lambda t: eio_packet.Packet(eio_packet.MESSAGE, data=t).encode(), sio_text),
        "engineio_decode": _cpu_per_item(lambda t: eio_packet.Packet(encoded_packet=t), eio_text),
    }
    for deflate in (True, False):
        figures.update(_websocket_figures(deflate, eio_text))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    messages = payloads(min(max(args.frames, 100), 100_000))
    runs = [one_run(messages) for _ in range(max(args.repeats, 1))]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    # Per message: one frame in (receive + decode), two frames out (encode + send).
    def per_message(kind: str) -> float:
        return (median[f"ws_receive_{kind}"] + median["engineio_decode"]
                + median["socketio_decode"] + 2 * (median[f"ws_send_{kind}"]
                + median["engineio_encode"] + median["socketio_encode"]))
    summary = {"per_frame_us": {k: round(v, 2) for k, v in median.items()},
               "per_message_us": {"deflate": round(per_message("deflate"), 1),
                                  "plain": round(per_message("plain"), 1)}}
    summary["deflate_vs_plain"] = round(summary["per_message_us"]["deflate"]
                                        / summary["per_message_us"]["plain"], 2)
    summary["deflate_saving_us_per_message"] = round(
        summary["per_message_us"]["deflate"] - summary["per_message_us"]["plain"], 1)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    for key, value in summary["per_frame_us"].items():
        print(f"{key:20s} {value:8.2f} µs/frame")
    print(f"per message (1 in, 2 out): with permessage-deflate "
          f"{summary['per_message_us']['deflate']} µs, without {summary['per_message_us']['plain']}"
          f" µs ({summary['deflate_vs_plain']}×, {summary['deflate_saving_us_per_message']} µs)")


if __name__ == "__main__":
    main()
