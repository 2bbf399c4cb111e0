"""The keys that seal the audit chain (HMAC-SHA256), read from settings, never the database.

Each entry names the key that sealed it by ``key_id``, an id derived from the key itself;
``""`` marks the entries sealed with plain SHA-256 before the chain was keyed (migration
0008). Keys have a generation: unkeyed 0, then the retired keys oldest first, then the
current key. Along the chain generations never go down, so a forger who knows the unkeyed
algorithm (or a retired key) cannot append or rewrite entries after a newer key's.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNKEYED = ""
_KEY_ID_MESSAGE = b"alliance-portal audit chain key id"


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes
    generation: int


def key_id(secret: bytes) -> str:
    # Derived, not chosen: an operator cannot give two keys one id, and the id tells
    # nothing about the key.
    return hmac.new(secret, _KEY_ID_MESSAGE, hashlib.sha256).hexdigest()[:12]


def _key(secret: str, generation: int) -> ChainKey:
    raw = secret.encode()
    return ChainKey(id=key_id(raw), secret=raw, generation=generation)


def sealing_key() -> ChainKey:
    """The current key; without one nothing is sealed (entries stay pending, verify says so)."""
    if not settings.AUDIT_CHAIN_KEY:
        raise ImproperlyConfigured(
            "PORTAL_AUDIT_CHAIN_KEY is not set: the audit chain cannot be sealed"
        )
    return _key(settings.AUDIT_CHAIN_KEY, len(settings.AUDIT_CHAIN_OLD_KEYS) + 1)


def keyring() -> dict[str, ChainKey]:
    """Every key an entry may have been sealed with, by id."""
    keys = [
        _key(secret, generation)
        for generation, secret in enumerate(settings.AUDIT_CHAIN_OLD_KEYS, 1)
    ]
    keys.append(sealing_key())
    return {key.id: key for key in keys}
