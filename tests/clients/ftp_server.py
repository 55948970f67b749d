#!/usr/bin/env python3
"""A throwaway FTP server for the pull-mode tests (pyftpdlib).

usage: ftp_server.py PORT USER PASSWORD HOME [CERT_AND_KEY_PEM]
Listens on 127.0.0.1:PORT; USER may read, write, rename and delete under HOME. With a PEM
file (certificate and key), explicit FTPS (AUTH TLS) is required on control and data.
Prints "ready" once listening.
"""
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    port, user, password, home = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, home, perm="elradfmwMT")
    handler = FTPHandler
    if len(sys.argv) > 5:
        from pyftpdlib.handlers import TLS_FTPHandler

        handler = TLS_FTPHandler
        handler.certfile = sys.argv[5]
        handler.tls_control_required = True
        handler.tls_data_required = True
    handler.authorizer = authorizer
    handler.passive_ports = None
    server = FTPServer(("127.0.0.1", port), handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
