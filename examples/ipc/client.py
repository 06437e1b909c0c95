#!/usr/bin/env python3
"""A client of ovrseer's OVRSEER_IPC socket in plain Python (no packages): prints what it receives,
answers {"ping": N} with {"pong": N} to whoever sent it, and greets the Node peer once."""
import json
import os
import socket

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(os.environ["OVRSEER_IPC"])
reader = sock.makefile("r", encoding="utf-8")


def send(line):
    sock.sendall((json.dumps(line) + "\n").encode())


# The first line says who this is; the token proves it (both are in this process's environment).
send({"hello": os.environ["OVRSEER_IPC_NAME"], "token": os.environ["OVRSEER_IPC_TOKEN"]})
print("hello:", reader.readline().strip(), flush=True)
send({"to": "node-peer", "message": {"greeting": "hi from python"}})

for line in reader:
    data = json.loads(line)
    print("received:", json.dumps(data, sort_keys=True), flush=True)
    message = data.get("message")
    if isinstance(message, dict) and "ping" in message and data.get("from") != "@ovrseer":
        send({"to": data["from"], "message": {"pong": message["ping"]}})
