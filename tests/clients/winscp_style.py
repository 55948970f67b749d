#!/usr/bin/env python3
"""Uploads a file over SFTP the way WinSCP does by default (paramiko): to a temporary
`NAME.filepart`, closed, renamed into place, then the modification time set on the final name
(WinSCP's "preserve timestamp"), then a stat to refresh its view, which must show the size and
the time it set. With `small` it writes the final name directly and sets the time with
`fsetstat` before closing, as WinSCP does for small files on some servers.

usage: winscp_style.py HOST PORT USER PASSWORD LOCAL_FILE REMOTE_PATH [small]

Exits non-zero (with the exception or the mismatch) on any failure.
"""

import os
import sys

import paramiko

MTIME = 1_600_000_000  # 2020-09-13: what the client's own file says


def main() -> int:
    if len(sys.argv) not in (7, 8):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, user, password, local, remote = sys.argv[1:7]
    small = sys.argv[7:] == ["small"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, port=int(port), username=user, password=password,
                   allow_agent=False, look_for_keys=False, timeout=10,
                   banner_timeout=10, auth_timeout=10)
    try:
        sftp = client.open_sftp()
        data = open(local, "rb").read()
        if small:
            with sftp.open(remote, "wb") as f:
                f.write(data)
                f.utime((MTIME, MTIME))  # SSH_FXP_FSETSTAT on the open handle
        else:
            part = remote + ".filepart"
            with sftp.open(part, "wb") as f:
                f.write(data)
            try:
                sftp.posix_rename(part, remote)
            except IOError:
                sftp.rename(part, remote)
        sftp.utime(remote, (MTIME, MTIME))  # SSH_FXP_SETSTAT on the final name
        st = sftp.stat(remote)
        if st.st_size != len(data) or int(st.st_mtime) != MTIME:
            print(f"stat shows size {st.st_size} mtime {st.st_mtime}, "
                  f"expected {len(data)} and {MTIME}", file=sys.stderr)
            return 1
        listed = {a.filename: a for a in sftp.listdir_attr(os.path.dirname(remote) or "/")}
        name = os.path.basename(remote)
        if name not in listed or listed[name].st_size != len(data):
            print(f"{name} not listed with its size: {sorted(listed)}", file=sys.stderr)
            return 1
        print("ok")
        sftp.close()
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
