"""Zip and workbook bombs for the tests: tiny on disk, huge when unpacked or read naively."""

from __future__ import annotations

import re
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

MB = 1024 * 1024


def zip_bomb(path: Path, name: str = "inventory.csv", megabytes: int = 300, extra: dict[str, bytes] | None = None) -> Path:
    """A real zip whose entry ``name`` inflates to ``megabytes`` MB of CSV lines (about 0.3 % of it on disk)."""
    line = b"S1,ipad,1,2020,,\n"
    block = line * (MB // len(line))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for other, data in (extra or {}).items():
            archive.writestr(other, data)
        with archive.open(name, "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(block)
    return path


def declare_size(path: Path, name: str, size: int) -> Path:
    """Rewrite the size the central directory declares for ``name`` (the data stays as it is)."""
    data = bytearray(path.read_bytes())
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):
        start = match.start()
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if bytes(data[start + 46 : start + 46 + name_length]).decode() == name:
            struct.pack_into("<I", data, start + 24, size)
            path.write_bytes(bytes(data))
            return path
    raise KeyError(name)


def rewrite_member(path: Path, name: str, change) -> Path:
    """Replace one member of a zip (an .xlsx) by ``change(old bytes)``, deflated."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info.filename, change(data) if info.filename == name else data, zipfile.ZIP_DEFLATED)
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member that holds worksheet ``sheet`` of an openpyxl-written workbook."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet) + 1
    book.close()
    return f"xl/worksheets/sheet{index}.xml"


def huge_dimension(path: Path, sheet: str, ref: str = "A1:XFD1048576", empty_rows: int = 0) -> Path:
    """Make ``sheet`` declare the dimension ``ref`` (Excel's maximum by default) and end in ``empty_rows``.

    A reader that trusts the dimension pads every row, even an empty one, to its 16,384 columns:
    30,000 empty rows, some 40 KB on disk, become 4 GB.
    """
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', xml))
        rows = "".join(f'<row r="{last + i}"/>' for i in range(1, empty_rows + 1)).encode()
        return xml.replace(b"</sheetData>", rows + b"</sheetData>")

    return rewrite_member(path, sheet_part(path, sheet), change)


def far_row(path: Path, sheet: str, row: int = 900_000_000) -> Path:
    """Add one cell in row ``row`` of ``sheet`` while its dimension stays small: the dimension lies."""
    cell = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return rewrite_member(path, sheet_part(path, sheet), lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>"))


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def huge_shared_strings(path: Path, megabytes: int = 300) -> Path:
    """Give the workbook a sharedStrings.xml of one string of ``megabytes`` MB, streamed, a few hundred KB on disk."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist() if info.filename != "xl/sharedStrings.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info, data in members:
            if info.filename == "[Content_Types].xml" and b"sharedStrings" not in data:
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            target.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as entry:
            entry.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            block = b"A" * MB
            for _ in range(megabytes):
                entry.write(block)
            entry.write(b"</t></si></sst>")
    return path


@contextmanager
def peak_memory():
    """Measure the peak of Python allocations inside the block, in MB: ``with peak_memory() as peak: …; peak()``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result: list[float] = []
    try:
        yield lambda: result[0]
    finally:
        result.append(tracemalloc.get_traced_memory()[1] / MB)
        tracemalloc.stop()
