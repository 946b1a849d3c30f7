"""Each person's wrapping key: what keeps their own signing key usable by them alone.

A user has an X25519 key pair. Its public half seals secrets *to* the user at any time (an
uploaded certificate's private key, through the API too, where no password is typed); its
private half is itself sealed under a key derived from the user's password (Argon2id), so
opening a sealed secret needs the password, which the server never stores.

- The pair is made the first time a password of the user's own is known: at sign-in (not
  with a password an administrator set) or when they choose one.
- Changing one's own password re-seals the private half under the new password.
- A password reset by an administrator forgets the pair (:func:`forget`): whatever was sealed
  to it cannot be opened again, so an administrator who sets a password cannot use the
  account's signing key; its owner uploads the certificate again.

A sealed secret is ``ephemeral public key (32) || nonce (12) || AES-256-GCM ciphertext``,
keyed by HKDF-SHA256 over the X25519 shared secret, and bound to its purpose by the
associated data the caller gives.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from typing import TypedDict

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import Column, ForeignKey, Integer, LargeBinary
from sqlmodel import Field, Session, SQLModel

from qms.core.db import UTCDateTime, utcnow

_SALT_BYTES = 16
_NONCE_BYTES = 12


class _KdfParams(TypedDict):
    time_cost: int
    memory_cost: int
    parallelism: int
    hash_len: int
    type: Type


#: Argon2id at OWASP's first recommended setting (19 MiB, two passes): tens of milliseconds,
#: paid at a first sign-in, a password change and each signature with one's own key.
_KDF = _KdfParams(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID)


class WrapKey(SQLModel, table=True):
    __tablename__ = "user_wrap_key"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          primary_key=True))
    public_key: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    #: The private half, sealed under the password: salt (16) || nonce (12) || ciphertext.
    sealed_private: bytes = Field(sa_column=Column(LargeBinary(128), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def key_id(self) -> str:
        """Names the pair: a secret sealed to another pair cannot be opened with this one."""
        return hashlib.sha256(self.public_key).hexdigest()[:32]


class Locked(Exception):
    """The password does not open the pair, or the secret was sealed to another pair."""


def _password_key(password: str, salt: bytes) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, **_KDF)


def _seal_private(private: X25519PrivateKey, password: str) -> bytes:
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return salt + nonce + AESGCM(_password_key(password, salt)).encrypt(nonce, raw, b"qms wrap key")


def _open_private(wrap: WrapKey, password: str) -> X25519PrivateKey:
    sealed = wrap.sealed_private
    salt, nonce, body = sealed[:_SALT_BYTES], sealed[_SALT_BYTES:_SALT_BYTES + _NONCE_BYTES], \
        sealed[_SALT_BYTES + _NONCE_BYTES:]
    try:
        raw = AESGCM(_password_key(password, salt)).decrypt(nonce, body, b"qms wrap key")
    except InvalidTag:
        raise Locked from None
    return X25519PrivateKey.from_private_bytes(raw)


def remember_password(session: Session, user_id: int, password: str) -> WrapKey:
    """The user's pair, made now under ``password`` (just checked) if they have none yet."""
    wrap = session.get(WrapKey, user_id)
    if wrap is None:
        private = X25519PrivateKey.generate()
        wrap = WrapKey(user_id=user_id, sealed_private=_seal_private(private, password),
                       public_key=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
        session.add(wrap)
        session.flush()
    return wrap


def password_changed(session: Session, user_id: int, old_password: str, new_password: str) -> None:
    """Re-seal the private half under the new password (both have just been checked)."""
    wrap = session.get(WrapKey, user_id)
    if wrap is None:
        remember_password(session, user_id, new_password)
        return
    try:
        private = _open_private(wrap, old_password)
    except Locked:
        # Sealed under a password that is no longer the old one (it cannot happen unless the
        # table was written by hand): start a new pair rather than keep one nobody can open.
        session.delete(wrap)
        session.flush()
        remember_password(session, user_id, new_password)
        return
    wrap.sealed_private = _seal_private(private, new_password)
    session.add(wrap)


def forget(session: Session, user_id: int) -> None:
    """Someone else set the password: what was sealed to the user can no longer be opened."""
    wrap = session.get(WrapKey, user_id)
    if wrap is not None:
        session.delete(wrap)
        session.flush()


def _cipher(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
               info=b"qms sealed secret").derive(shared)
    return AESGCM(key)


def seal_to(wrap: WrapKey, secret: bytes, purpose: bytes) -> bytes:
    """``secret`` sealed to the user of ``wrap``; only their password opens it again."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(wrap.public_key))
    nonce = os.urandom(_NONCE_BYTES)
    body = _cipher(shared, ephemeral_public, wrap.public_key).encrypt(nonce, secret, purpose)
    return ephemeral_public + nonce + body


def open_sealed(wrap: WrapKey, password: str, sealed: bytes, purpose: bytes) -> bytes:
    """The secret sealed to this user, opened with their password; :class:`Locked` if not."""
    private = _open_private(wrap, password)
    ephemeral_public, nonce, body = sealed[:32], sealed[32:32 + _NONCE_BYTES], sealed[32 + _NONCE_BYTES:]
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    try:
        return _cipher(shared, ephemeral_public, wrap.public_key).decrypt(nonce, body, purpose)
    except InvalidTag:
        raise Locked from None
