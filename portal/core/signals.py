"""Named signals: how one area tells the others that something happened, without importing them.

The area where it happens sends; an area that cares connects a receiver in its init_app.
Receivers run in the sender's transaction, in the order they connected; one that raises aborts
what the sender was doing (a certificate that cannot be issued stops the completion with it).
Signals carry model objects as the sender and never hold state: nothing here is per request.
"""
from __future__ import annotations

from blinker import Namespace

_portal = Namespace()

# sender: the learning Completion just recorded (inside the transaction that records it)
module_completed = _portal.signal("module-completed")

# sender: the socialisation Participant whose attendance became final (list closed, or marked
# present or late on a closed list)
attendance_final = _portal.signal("attendance-final")

# sender: the coi Declaration, a yearly statement submitted for the first time
yearly_statement_filed = _portal.signal("yearly-statement-filed")

# sender: a socialisation session; kwargs participants=[Participant]. Receivers return
# {participant id: certificate code} for the evidence pack's participant list.
participant_certificate_codes = _portal.signal("participant-certificate-codes")


def collect(signal, sender, **kwargs) -> list:
    """The receivers' return values, in order (for signals that ask a question)."""
    return [value for _receiver, value in signal.send(sender, **kwargs)]
