#!/usr/bin/env python3
"""Uploads a file over SFTP with paramiko (a Python partner's client); lists `/` and the
remote file's folder afterwards.

usage: paramiko_put.py HOST PORT USER PASSWORD LOCAL_FILE REMOTE_PATH [get]

With `get` it downloads REMOTE_PATH to LOCAL_FILE instead. Prints one line per listed folder,
`FOLDER: name name ...`; exits non-zero (with the exception) on any failure.
"""

import posixpath
import sys

import paramiko


def main() -> int:
    if len(sys.argv) not in (7, 8) or sys.argv[7:] not in ([], ["get"]):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, user, password, local, remote = sys.argv[1:7]
    get = sys.argv[7:] == ["get"]
    client = paramiko.SSHClient()
    # A test gateway makes a fresh host key for each run: accept it.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        host,
        port=int(port),
        username=user,
        password=password,
        allow_agent=False,
        look_for_keys=False,
        timeout=10,
        banner_timeout=10,
        auth_timeout=10,
    )
    try:
        transport = client.get_transport()
        print(f"cipher: {transport.remote_cipher} mac: {transport.remote_mac}")
        sftp = client.open_sftp()
        if get:
            sftp.get(remote, local)
        else:
            # confirm=True stats the file after the upload and checks its size.
            sftp.put(local, remote, confirm=True)
        for folder in ("/", posixpath.dirname(remote) or "/"):
            print(f"{folder}: {' '.join(sorted(sftp.listdir(folder)))}")
        sftp.close()
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
