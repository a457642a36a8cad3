"""Personal data at rest: AES-GCM encryption, an HMAC blind index, and masking.

Two keys are derived from XINYONG_DATA_KEY with HKDF, one to encrypt and one to index,
so that a leaked index key does not decrypt anything. Each value is bound to a
`context` (for example "subject.id_number") as associated data, so a ciphertext copied
into another column does not decrypt. The blind index is a keyed hash of the
normalised value: equal values match, but the index reveals nothing without the key.

Ciphertext format: "v1." + urlsafe-base64(12-byte nonce + ciphertext + tag). The
version prefix leaves room for key rotation (docs/operations.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = "v1"


@dataclass(frozen=True)
class Sealed:
    ciphertext: str
    blind_index: str
    masked: str


def decode_key(text: str | None) -> bytes:
    """Decode a base64 data key and insist on 32 bytes (AES-256)."""
    if not text:
        raise ImproperlyConfigured("XINYONG_DATA_KEY is not set (run `xinyong keys init`)")
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("XINYONG_DATA_KEY is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"XINYONG_DATA_KEY must decode to 32 bytes, not {len(key)}")
    return key


@lru_cache(maxsize=4)
def _keys(text: str | None) -> tuple[AESGCM, bytes]:
    master = decode_key(text)

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"xinyong/aes-gcm/v1")), derive(b"xinyong/blind-index/v1")


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.XINYONG_DATA_KEY)


def encrypt(value: str, context: str) -> str:
    aead, _ = _current()
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value.encode("utf-8"), context.encode("utf-8"))
    return f"{_VERSION}." + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(ciphertext: str, context: str) -> str:
    version, _, body = ciphertext.partition(".")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.urlsafe_b64decode(body)
    aead, _ = _current()
    return aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")


def blind_index(value: str, context: str) -> str:
    _, index_key = _current()
    message = f"{context}\x00{value}".encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """`530102199001011234` → `5301**********1234`; short values are masked whole."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[-keep_end:]


def seal(value: str, context: str) -> Sealed:
    """Everything a model stores for one personal identifier, never the value itself."""
    return Sealed(encrypt(value, context), blind_index(value, context), mask(value))
