"""Encryption at rest of personal data about brukare (name, personnummer), with a key from settings.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; a keyed hash (HMAC-SHA256) gives a blind
index so a personnummer can be looked up without storing it in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class FieldCipher:
    def __init__(self, key: str) -> None:
        raw = key.encode()
        try:
            self._fernet = Fernet(raw)
        except ValueError:
            # Any passphrase: derive a Fernet key from it.
            self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw).digest()))
        self._index_key = hashlib.sha256(b"blind-index:" + raw).digest()

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong key or damaged data") from exc

    def blind_index(self, value: str) -> str:
        normalised = "".join(ch for ch in value if ch.isalnum()).upper()
        return hmac.new(self._index_key, normalised.encode(), hashlib.sha256).hexdigest()
