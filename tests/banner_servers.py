#!/usr/bin/env python3
"""Small servers for tests/banner_netns_test.cc, run inside its private network
namespace (it only ever binds what it is told, which is loopback there):

  banner_servers.py tls HOST PORT CERT KEY   a TLS server (python's ssl, OpenSSL):
                                             handshakes, then waits for the client to leave
  banner_servers.py send HOST PORT FILE      greets every client with FILE's bytes
                                             exactly, then waits for it to leave

Each connection gets a thread; the process lives until it is killed.
"""
import socket
import ssl
import sys
import threading


def listen(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(64)
    return server


def wait_for_close(connection):
    """Reads until the peer closes or resets, so the client decides when the connection ends."""
    try:
        connection.settimeout(30)
        while connection.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        connection.close()


def serve_tls(connection, context):
    try:
        connection.settimeout(30)
        wrapped = context.wrap_socket(connection, server_side=True)
    except (OSError, ssl.SSLError):
        connection.close()  # plain text or a half handshake: drop it, as TLS servers do
        return
    wait_for_close(wrapped)


def serve_bytes(connection, payload):
    try:
        connection.sendall(payload)
    except OSError:
        connection.close()
        return
    wait_for_close(connection)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        handler, argument = serve_tls, context
    elif mode == "send":
        with open(sys.argv[4], "rb") as source:
            handler, argument = serve_bytes, source.read()
    else:
        sys.exit("unknown mode " + mode)
    server = listen(host, port)
    while True:
        connection, _ = server.accept()
        threading.Thread(target=handler, args=(connection, argument), daemon=True).start()


if __name__ == "__main__":
    main()
