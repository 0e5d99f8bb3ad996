"""Small files for the evidence tests: good ones of each kind, and hostile ones."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

MB = 1024 * 1024

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(main: str, part: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main}"/></Types>'
    )


def office_zip(main: str, part: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(main, part))
        archive.writestr(part, "<document>Minutes of the SEND board</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return office_zip(DOCX_MAIN, "word/document.xml")


def xlsx() -> bytes:
    return office_zip(XLSX_MAIN, "xl/workbook.xml")


def docm() -> bytes:
    return office_zip(DOCM_MAIN, "word/document.xml", {"word/vbaProject.bin": b"\0" * 64})


def docx_bomb(unpacked_mb: int = 60) -> bytes:
    """A DOCX whose document part unpacks to ``unpacked_mb`` MB of zeros (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(DOCX_MAIN, "word/document.xml"))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * MB
            for _ in range(unpacked_mb):
                part.write(block)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script><circle r='5'/></svg>"
)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def big_pdf(size: int) -> bytes:
    return PDF + b"%" + b"0" * (size - len(PDF) - 1)
