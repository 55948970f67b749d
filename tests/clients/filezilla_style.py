#!/usr/bin/env python3
"""What FileZilla does to upload a folder of files, with Python's ftplib:
FEAT, OPTS UTF8 ON, PWD, TYPE I, CWD, MLSD, then per file STOR, and after it SIZE and MDTM
(FileZilla checks the upload), and MFMT to keep the local modification time ("preserve
timestamps"). Exits non-zero on any unexpected reply.

usage: filezilla_style.py HOST PORT USER PASSWORD LOCAL_DIR
"""
import ftplib
import os
import sys
import time

host, port, user, password, local = sys.argv[1:6]
ftp = ftplib.FTP()
ftp.connect(host, int(port), timeout=30)
ftp.login(user, password)
feat = ftp.sendcmd("FEAT")
for needed in ("MLST", "SIZE", "MDTM", "MFMT", "UTF8", "EPSV"):
    if needed not in feat:
        sys.exit(f"FEAT lacks {needed}: {feat}")
ftp.sendcmd("OPTS UTF8 ON")
print(ftp.pwd())
ftp.voidcmd("TYPE I")
ftp.cwd("/in")
before = list(ftp.mlsd())
for name in sorted(os.listdir(local)):
    path = os.path.join(local, name)
    with open(path, "rb") as f:
        ftp.storbinary(f"STOR {name}", f)
    size = ftp.size(name)
    if size != os.path.getsize(path):
        sys.exit(f"SIZE {name}: {size}, expected {os.path.getsize(path)}")
    mdtm = ftp.sendcmd(f"MDTM {name}")
    if not mdtm.startswith("213 "):
        sys.exit(f"MDTM {name}: {mdtm}")
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(os.path.getmtime(path)))
    mfmt = ftp.sendcmd(f"MFMT {stamp} {name}")
    if not mfmt.startswith("213 ") or stamp not in mfmt:
        sys.exit(f"MFMT {name}: {mfmt}")
    mdtm = ftp.sendcmd(f"MDTM {name}")
    if mdtm != f"213 {stamp}":
        sys.exit(f"MDTM after MFMT {name}: {mdtm}, expected 213 {stamp}")
    print(f"{name}: {size} bytes, {mdtm}")
facts = dict(ftp.mlsd(facts=["type", "size", "modify"]))
print(sorted(facts))
ftp.quit()
