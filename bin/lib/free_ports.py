#!/usr/bin/env python3
"""free_ports.py START...: for each START, prints the first port from START on (within 200)
that is free on 127.0.0.1 and not already given to an earlier START; exits non-zero naming the
START when there is none."""
import socket
import sys

taken = set()
for start in map(int, sys.argv[1:]):
    for port in range(start, start + 200):
        if port in taken:
            continue
        with socket.socket() as s:
            # As the JVM does: a port held only by TIME_WAIT connections is free to listen on.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        print(port)
        break
    else:
        sys.exit(f"no free port from {start}")
