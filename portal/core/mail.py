"""Outgoing mail: SMTP when MAIL_SERVER is set; otherwise each message is written to
instance/mail/ as an .eml file a developer can open (nothing leaves the machine)."""
from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def build(to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config.get("MAIL_FROM", "portal-integritas@localhost")
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="portal-integritas")
    msg.set_content(body)
    return msg


def send(to: str, subject: str, body: str) -> None:
    msg = build(to, subject, body)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        port = int(current_app.config.get("MAIL_PORT", 25))
        with smtplib.SMTP(server, port, timeout=20) as smtp:
            if current_app.config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if current_app.config.get("MAIL_USERNAME"):
                smtp.login(current_app.config["MAIL_USERNAME"], current_app.config["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return
    folder = Path(current_app.config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    (folder / f"{stamp}.eml").write_bytes(msg.as_bytes())
