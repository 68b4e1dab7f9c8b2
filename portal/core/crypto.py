"""Encryption at rest: envelope encryption with AES-256-GCM.

Each protected record (a WBS report, say) has its own random data key. Its content is
encrypted with that key; the data key is stored only wrapped (encrypted) under a master key
from DATA_KEYS, which lives outside the database (instance/keys.json or the environment).

- A copy of the database alone reveals nothing: the master keys are not in it.
- Key rotation: put a new key first in DATA_KEYS and run `flask --app portal rotate-keys`;
  only the small wrapped keys are rewritten, never the content.
- Crypto-shredding: deleting a record's wrapped key makes its content unreadable for good,
  including in old backups once the master keys that wrapped it are retired.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

NONCE = 12
KEY_ID = 8


class CryptoError(Exception):
    pass


def _decode_key(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    if len(raw) != 32:
        raise CryptoError("DATA_KEYS entries must be 32 bytes, urlsafe base64")
    return raw


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"portal-key-id" + key).digest()[:KEY_ID]


def master_keys() -> list[bytes]:
    keys = [_decode_key(k) for k in current_app.config["DATA_KEYS"]]
    if not keys:
        raise CryptoError("no DATA_KEYS configured")
    return keys


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(data_key: bytes, aad: bytes) -> bytes:
    """The data key encrypted under the newest master key, tagged with that key's id."""
    master = master_keys()[0]
    nonce = os.urandom(NONCE)
    return key_id(master) + nonce + AESGCM(master).encrypt(nonce, data_key, b"wrap:" + aad)


def unwrap(blob: bytes, aad: bytes) -> bytes:
    wanted = blob[:KEY_ID]
    for master in master_keys():
        if key_id(master) == wanted:
            try:
                return AESGCM(master).decrypt(blob[KEY_ID:KEY_ID + NONCE], blob[KEY_ID + NONCE:], b"wrap:" + aad)
            except InvalidTag:
                raise CryptoError("wrapped key does not verify") from None
    raise CryptoError("the master key that wrapped this record is not configured")


def needs_rewrap(blob: bytes) -> bool:
    return blob[:KEY_ID] != key_id(master_keys()[0])


def encrypt(data_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)


def decrypt(data_key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(data_key).decrypt(blob[:NONCE], blob[NONCE:], aad)
    except InvalidTag:
        raise CryptoError("ciphertext does not verify") from None


def encrypt_text(data_key: bytes, text: str, aad: bytes) -> bytes:
    return encrypt(data_key, text.encode("utf-8"), aad)


def decrypt_text(data_key: bytes, blob: bytes | None, aad: bytes) -> str:
    return "" if blob is None else decrypt(data_key, blob, aad).decode("utf-8")


def blind_index_key(purpose: str) -> bytes:
    """The key of one kind of blind index, derived (HKDF-SHA256) from the newest master key and
    the index's purpose, so two indexes never share a key and a database copy alone, without the
    master keys, cannot test guesses against the stored digests."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"portal-blind-index:" + purpose.encode()).derive(master_keys()[0])


def blind_index(key: bytes, value: str) -> str:
    """HMAC-SHA256 of an already normalised value: equal values give equal digests, for equality
    look-ups on data that is otherwise sealed. It changes with the newest master key: whoever
    keeps such an index recomputes it on key rotation."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
