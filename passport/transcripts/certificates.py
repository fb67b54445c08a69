"""Certificates behind self-reported credit: PDF, PNG or JPEG, at most 10 MB, recognised
by their content (never by the file's name or the browser's claimed type), stored under
their SHA-256 outside the web root and served only to their owner."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from passport.errors import ValidationError

MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
_BLOCK = 256 * 1024

# The opening bytes of each accepted format, and the suffix it is stored with.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
SUFFIXES = {media_type: suffix for _, media_type, suffix in _SIGNATURES}


@dataclass(frozen=True)
class StoredCertificate:
    sha256: str
    media_type: str
    size: int
    filename: str


def media_type_of(head: bytes) -> str | None:
    """The accepted format whose signature ``head`` starts with, else ``None``."""
    for signature, media_type, _ in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None


def _looks_complete(path: Path, media_type: str) -> bool:
    """A cheap check that the file is not cut short: a PDF ends with %%EOF, a PNG with its
    IEND chunk, a JPEG with the end-of-image marker (trailing padding is tolerated)."""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read().rstrip(b"\r\n\x00 ")
    if media_type == "application/pdf":
        return tail.endswith(b"%%EOF")
    if media_type == "image/png":
        return tail.endswith(b"IEND\xaeB`\x82")
    return tail.endswith(b"\xff\xd9")


def store_certificate(stream: IO[bytes], filename: str, directory: Path) -> StoredCertificate:
    """Copy an uploaded certificate to ``directory`` after checking its size and content.

    Raises ``ValidationError`` (field ``certificate``) for an empty, oversized, truncated or
    unrecognised file; nothing is kept in that case.
    """
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while block := stream.read(_BLOCK):
                if len(head) < 16:
                    head += block[:16]
                size += len(block)
                if size > MAX_CERTIFICATE_BYTES:
                    raise ValidationError("The certificate must be at most 10 MB.", "certificate")
                digest.update(block)
                out.write(block)
        if size == 0:
            raise ValidationError("The certificate file is empty.", "certificate")
        media_type = media_type_of(head)
        if media_type is None:
            raise ValidationError("The certificate must be a PDF, PNG or JPEG file.", "certificate")
        if not _looks_complete(Path(temporary), media_type):
            raise ValidationError(
                "The certificate file seems damaged or cut short; please upload it again.",
                "certificate",
            )
        final = certificate_path(directory, digest.hexdigest(), media_type)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    safe_name = Path(filename or "certificate").name[:255] or "certificate"
    return StoredCertificate(digest.hexdigest(), media_type, size, safe_name)


def certificate_path(directory: Path, sha256: str, media_type: str) -> Path:
    return directory / f"{sha256}.{SUFFIXES[media_type]}"
