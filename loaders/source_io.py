"""Opening source files safely: regular files only, gzip read transparently, and limits that
hold for the decompressed data (a gzip bomb is refused as soon as it passes a limit, never
inflated into memory).

>>> import gzip, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "bomb.txt.gz"
>>> _ = path.write_bytes(gzip.compress(b"a" * 5000))
>>> read_bytes(path, limit=1000)
Traceback (most recent call last):
...
loaders.source_io.ListingError: ...bomb.txt.gz: over 1,000 bytes once decompressed, the limit for one file of this format
>>> inner_suffix(pathlib.Path("x.jsonl.gz")), inner_suffix(pathlib.Path("A.TXT"))
('.jsonl', '.txt')
"""

from __future__ import annotations

import gzip
import io
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

#: Limits that refuse absurd input before any work is done on it (the seeds' largest file is
#: under 1 MB and their longest line under 3,000 characters; a 300 KB abstract still loads).
#: They hold for decompressed data.
MAX_FILE_BYTES = 256 * 1024 * 1024  # a file read whole (listing, JSON array, BibTeX, CSV)
MAX_LINE_CHARS = 1_000_000
#: A JSON-lines file is streamed record by record; the whole arXiv snapshot is about 5 GB.
MAX_STREAM_BYTES = 64 * 1024 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class ListingError(ValueError):
    """A file that cannot be read as a paper source; the message is one line naming it."""


class NotASource(ListingError):
    """A file that holds no papers (or no format this project reads): refused when named, skipped
    with its reason when met while walking a folder. ``kind`` is the reason's short form."""

    def __init__(self, message: str, kind: str = "not a source") -> None:
        super().__init__(message)
        self.kind = kind


def inner_suffix(path: Path) -> str:
    """The suffix that names the format, under a ``.gz``."""
    name = path.name.lower()
    return Path(name.removesuffix(".gz")).suffix


def check_file(path: Path) -> None:
    """Refuse what is not a readable regular file, with one line naming it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ListingError(f"{path}: no such file") from None
    except OSError as exc:
        raise ListingError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ListingError(f"{path}: is a directory, not a listing file")
    if not stat.S_ISREG(info.st_mode):
        raise ListingError(f"{path}: not a regular file (a pipe, socket or device), not a listing")


class _Limited(io.RawIOBase):
    """A binary stream that fails once more than ``limit`` bytes have come out of it."""

    def __init__(self, inner: IO[bytes], limit: int, path: Path) -> None:
        self.inner, self.limit, self.path, self.count = inner, limit, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.inner.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            what = "not valid gzip" if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)) else "cannot read"
            raise ListingError(f"{self.path}: {what} ({getattr(exc, 'strerror', None) or exc})") from None
        self.count += len(data)
        if self.count > self.limit:
            raise ListingError(f"{self.path}: over {self.limit:,} bytes once decompressed, the limit for one file of this format")
        buffer[: len(data)] = data
        return len(data)


@contextmanager
def open_binary(path: Path, limit: int = MAX_FILE_BYTES) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed when it is gzip (by magic number), at most ``limit`` of them."""
    path = Path(path)
    check_file(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ListingError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with raw:
        try:
            compressed = raw.read(2) == _GZIP_MAGIC
            raw.seek(0)
        except OSError as exc:
            raise ListingError(f"{path}: cannot read ({exc.strerror or exc})") from None
        inner: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
        with io.BufferedReader(_Limited(inner, limit, path), buffer_size=1 << 16) as stream:
            yield stream


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    with open_binary(path, limit) as stream:
        return stream.read()


def head(path: Path, size: int = 16384) -> bytes:
    """The first ``size`` decompressed bytes (what content sniffing looks at)."""
    with open_binary(path, MAX_STREAM_BYTES) as stream:
        return stream.read(size)


def iter_lines(path: Path, limit: int = MAX_STREAM_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 file, streamed; a line over ``MAX_LINE_CHARS`` is refused
    before it is held whole."""
    max_bytes = MAX_LINE_CHARS * 4 + 2
    with open_binary(path, limit) as stream:
        for number, raw in enumerate(iter(lambda: stream.readline(max_bytes), b""), start=1):
            if len(raw) >= max_bytes and not raw.endswith(b"\n"):
                raise ListingError(f"{path}: line {number} is over the {MAX_LINE_CHARS:,}-character limit for one line")
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ListingError(f"{path}: line {number}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from None
            if len(text) > MAX_LINE_CHARS + 2:
                raise ListingError(f"{path}: line {number} is over the {MAX_LINE_CHARS:,}-character limit for one line")
            yield number, text


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8, or UTF-16 with its byte-order mark; binary data is refused."""
    import codecs

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ListingError(f"{path}: starts as UTF-16 but is not valid UTF-16 (byte {exc.start})") from None
    if b"\x00" in data:
        raise NotASource(f"{path}: binary file, not a text listing", "unknown format")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ListingError(f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from None


def check_lines(path: Path, text: str) -> None:
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise ListingError(f"{path}: a line of {longest:,} characters, over the {MAX_LINE_CHARS:,}-character limit for one line")
