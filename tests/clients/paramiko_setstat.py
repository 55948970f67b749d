#!/usr/bin/env python3
"""Tries to change file attributes over SFTP with paramiko: chmod, utime and truncate by path
(SSH_FXP_SETSTAT), and the same through a handle (SSH_FXP_FSETSTAT) opened for reading, or
for writing with `upload:PATH` (it uploads PATH first and changes it through the upload's
handle).

usage: paramiko_setstat.py HOST PORT USER PASSWORD PATH|upload:PATH...

Prints one line per attempt, `OP PATH: ok`, `OP PATH: denied MESSAGE` (permission denied)
or `OP PATH: error MESSAGE`; exits non-zero only when it cannot log in.
"""

import sys

import paramiko


def attempt(label, path, action):
    try:
        action()
        print(f"{label} {path}: ok")
    except PermissionError as e:
        print(f"{label} {path}: denied {e}")
    except (IOError, OSError) as e:
        print(f"{label} {path}: error {e}")


def main() -> int:
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    host, port, user, password = sys.argv[1:5]
    transport = paramiko.Transport((host, int(port)))
    transport.connect(username=user, password=password)
    sftp = paramiko.SFTPClient.from_transport(transport)
    try:
        for arg in sys.argv[5:]:
            if arg.startswith("upload:"):
                path = arg[len("upload:"):]
                with sftp.open(path, "wb") as f:
                    f.write(b"partial upload\n")
                    f.flush()
                    attempt("fchmod", path, lambda: f.chmod(0o600))
                    attempt("futime", path, lambda: f.utime((1000000000, 1000000000)))
                    attempt("ftruncate", path, lambda: f.truncate(7))
            else:
                path = arg
                attempt("fopen", path, lambda: sftp.open(path, "rb").close())
                try:
                    f = sftp.open(path, "rb")
                except (IOError, OSError):
                    f = None
                if f is not None:
                    attempt("fchmod", path, lambda: f.chmod(0o600))
                    attempt("futime", path, lambda: f.utime((1000000000, 1000000000)))
                    attempt("ftruncate", path, lambda: f.truncate(0))
                    f.close()
            attempt("chmod", path, lambda: sftp.chmod(path, 0o600))
            attempt("utime", path, lambda: sftp.utime(path, (1000000000, 1000000000)))
            attempt("truncate", path, lambda: sftp.truncate(path, 0))
    finally:
        sftp.close()
        transport.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
