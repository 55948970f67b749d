"""An SMTP server for the alert tests: aiosmtpd on 127.0.0.1:PORT with STARTTLS required
(certificate CERT, key KEY) and AUTH (any name, password PASSWORD), appending every message
as one JSON line ({"from", "to", "user", "data"}) to LOG.

usage: smtp_receiver.py PORT LOG CERT KEY PASSWORD
"""
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PORT, LOG, CERT, KEY, PASSWORD = sys.argv[1:6]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "user": session.auth_data.login.decode() if session.auth_data else None,
                "tls": session.ssl is not None,
                "data": envelope.content.decode("utf-8", "replace"),
            }) + "\n")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(CERT, KEY)
controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=int(PORT),
    server_hostname="127.0.0.1",
    tls_context=context,
    require_starttls=True,
    authenticator=authenticator,
    auth_require_tls=True,
)
controller.start()
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
