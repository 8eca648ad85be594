#!/usr/bin/env python3
"""N watchers of a `minima compare --serve` event stream, for bench-serve.sh.

Usage: serve_watchers.py PORT N
Connects N clients to http://127.0.0.1:PORT/events (retrying until the
server listens), reads every stream until its "done" event and prints one
line: the latency of the first accuracy point (receive time minus the
event's "t", the wall time its evaluation finished) as seen by the first
watcher and the worst over all, and the median over the first watcher's
accuracy events. Standard library only (selectors), one thread for all
watchers; only the events it times are parsed, so that the watchers take
little of the cores the runs train on.
"""
import json
import selectors
import socket
import statistics
import sys
import time


def connect(port):
    for _ in range(600):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            return s
        except ConnectionRefusedError:
            time.sleep(0.05)
    sys.exit("serve_watchers: no server on port %d" % port)


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    selector = selectors.DefaultSelector()
    state = {}
    for i in range(count):
        s = connect(port)
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ, i)
        state[i] = {"buffer": b"", "first": None, "done": False, "saw_done": False}
    latencies = []
    open_streams = count
    while open_streams:
        for key, _ in selector.select(timeout=600):
            w = state[key.data]
            data = key.fileobj.recv(1 << 16)
            now = time.time() * 1000
            if not data:
                w["done"] = True
            w["buffer"] += data
            *lines, w["buffer"] = w["buffer"].split(b"\n")
            for line in lines:
                if b'"type":"done"' in line:
                    w["done"] = w["saw_done"] = True
                elif b'"type":"eval"' in line and (key.data == 0 or w["first"] is None):
                    latency = now - json.loads(line[6:])["t"]
                    if key.data == 0:
                        latencies.append(latency)
                    if w["first"] is None:
                        w["first"] = latency
            if w["done"]:
                selector.unregister(key.fileobj)
                key.fileobj.close()
                open_streams -= 1
    firsts = [w["first"] for w in state.values() if w["first"] is not None]
    complete = sum(w["saw_done"] for w in state.values())
    print("watchers %d: first accuracy point after %.2f ms (worst watcher %.2f ms), "
          "median over the first watcher's points %.2f ms; %d of %d streams complete"
          % (count, firsts[0], max(firsts), statistics.median(latencies), complete, count))


if __name__ == "__main__":
    main()
