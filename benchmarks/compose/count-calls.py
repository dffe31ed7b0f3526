#!/usr/bin/env python3
"""Counts Engine API calls: a unix-socket relay in front of dockerd that writes one line per HTTP request.

Usage: count-calls.py LISTEN_SOCKET DOCKERD_SOCKET LOG_FILE
A client pointed at it (DOCKER_HOST=unix://LISTEN_SOCKET) talks to dockerd unchanged; LOG_FILE gets
"METHOD /path" per request (API version prefix and query removed), so a benchmark can count lists and inspects
made by Portique and by docker-compose alike, outside either tool's code.
"""
import os
import re
import socket
import sys
import threading

listen_path, target_path, log_path = sys.argv[1:4]
request = re.compile(rb"(GET|POST|PUT|DELETE|HEAD) (/[^ ?]*)[^ ]* HTTP/1\.[01]\r\n")
version = re.compile(r"^/v[0-9.]+")
lock = threading.Lock()


def record(method, path):
    with lock, open(log_path, "a", encoding="utf-8") as log:
        log.write(f"{method} {version.sub('', path)}\n")


def relay(source, destination, watch):
    pending = b""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if watch:
                pending += data
                end = 0
                for match in request.finditer(pending):
                    record(match.group(1).decode(), match.group(2).decode(errors="replace"))
                    end = match.end()
                pending = pending[end:][-1024:]
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, destination):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(target_path)
    except OSError:
        client.close()
        return
    threading.Thread(target=relay, args=(upstream, client, False), daemon=True).start()
    relay(client, upstream, True)


if os.path.exists(listen_path):
    os.unlink(listen_path)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(listen_path)
server.listen(64)
while True:
    connection, _ = server.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
