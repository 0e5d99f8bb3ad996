"""What a file added as evidence really is, read from its content, never from its name.

``check_upload`` returns the file's ``FileType`` or raises ``ValidationError`` with a
message saying what is wrong. Accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG and
JPEG, of at most ``SENDPLAN_EVIDENCE_MAX_BYTES``. The first bytes are matched by
``filetype``; Office and OpenDocument files are ZIPs, so the ZIP is opened and its
``[Content_Types].xml`` (or ``mimetype``) must name the expected main part, with no macros
(``vbaProject.bin``, ``Basic/``, ``Scripts/``), no encrypted entries, and limits on the
entries, their unpacked size and compression ratio (a zip bomb is refused before anything
unpacks it). Web pages, SVG, executables, password-protected (OLE) Office files, old
``.doc``/``.xls`` files, other archives and empty files are refused.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError

MB = 1024 * 1024
HEAD_BYTES = 8192

# A ZIP's limits: entries, their total unpacked size, and how much any entry (and the
# whole) may have been compressed. Real Office files compress XML 5-20 times.
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_UNPACKED = 200 * MB
ZIP_MAX_RATIO = 100
CONTENT_TYPES_MAX = 1 * MB


@dataclass(frozen=True)
class FileType:
    code: str  # pdf, docx...
    words: str  # "a PDF"
    content_type: str
    extension: str


TYPES = {
    t.code: t
    for t in [
        FileType("pdf", "a PDF", "application/pdf", ".pdf"),
        FileType(
            "docx",
            "a Word document (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        FileType(
            "xlsx",
            "an Excel workbook (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
        ),
        FileType(
            "pptx",
            "a PowerPoint presentation (PPTX)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".pptx",
        ),
        FileType(
            "odt", "an OpenDocument text (ODT)", "application/vnd.oasis.opendocument.text", ".odt"
        ),
        FileType(
            "ods",
            "an OpenDocument spreadsheet (ODS)",
            "application/vnd.oasis.opendocument.spreadsheet",
            ".ods",
        ),
        FileType("csv", "a CSV file", "text/csv", ".csv"),
        FileType("txt", "a text file", "text/plain", ".txt"),
        FileType("png", "a PNG image", "image/png", ".png"),
        FileType("jpeg", "a JPEG image", "image/jpeg", ".jpg"),
    ]
}
# Names a file of each type may end with.
EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".odt": "odt",
    ".ods": "ods",
    ".csv": "csv",
    ".txt": "txt",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
ALLOWED_WORDS = "PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG or JPEG"

# The main part an Office file's [Content_Types].xml names, and the macro-enabled kinds.
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_MACRO = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docm",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": ".pptm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".dotm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xltm",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": ".xlsb",
}
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
MACRO_MESSAGE = (
    "The file contains macros ({what}), which cannot be added: save it without macros "
    "(as .docx, .xlsx or .pptx) and add that"
)


def max_bytes() -> int:
    return settings.SENDPLAN_EVIDENCE_MAX_BYTES


def clean_name(name: str) -> str:
    """The file's name as shown and downloaded: no folders, no control characters, no
    characters a file system or a header would mind, at most 120 characters. A name
    holding a folder (``../``, ``/``, ``\\``) is refused, as no browser sends one."""
    name = unicodedata.normalize("NFC", name or "")
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise ValidationError(
            "The file's name must not name a folder (it contains / or \\ or ..): "
            "rename the file and add it again"
        )
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w .()+,'&-]", "_", name).strip(" .")
    name = re.sub(r"\s+", " ", name)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: 120 - len(ext) - 1] or "evidence"
    return f"{stem}.{ext}" if ext else stem


def check_upload(upload, name: str) -> FileType:
    """The type of ``upload`` (a Django UploadedFile, or any seekable binary file of
    ``.size`` bytes) named ``name``; ValidationError saying why it cannot be added."""
    size = upload.size
    if not size:
        raise ValidationError("The file is empty: choose a file with something in it")
    if size > max_bytes():
        raise ValidationError(
            f"The file is {size / MB:.1f} MB: the largest file that can be added is "
            f"{max_bytes() // MB} MB"
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = _sniff(upload, head, name)
    _check_name_agrees(name, found)
    return found


def _sniff(upload, head: bytes, name: str) -> FileType:
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime == "application/pdf" or head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if mime == "image/png":
        return TYPES["png"]
    if mime == "image/jpeg":
        return TYPES["jpeg"]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _check_zip(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValidationError(
            "The file is a password-protected Office file or an old .doc, .xls or .ppt "
            "file, which cannot be checked: save it as .docx, .xlsx or .pptx without a "
            "password and add that"
        )
    if (
        mime in ("application/x-msdownload", "application/x-executable")
        or head[:4]
        in (
            b"MZ\x90\x00",
            b"\x7fELF",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
        or head.startswith((b"MZ", b"#!"))
    ):
        raise ValidationError("The file is a program, which cannot be added")
    if guess is not None:
        raise ValidationError(
            f"The file is {guess.extension.upper()}, which cannot be added: add a "
            f"{ALLOWED_WORDS} file"
        )
    return _check_text(head, name)


def _check_text(head: bytes, name: str) -> FileType:
    if b"\0" in head:
        raise ValidationError(
            f"The file is not a type that can be added: add a {ALLOWED_WORDS} file"
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the head is still text.
        if error.start < len(head) - 4:
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:
                raise ValidationError(
                    f"The file is not a type that can be added: add a {ALLOWED_WORDS} file"
                ) from None
        else:
            text = head[: error.start].decode("utf-8")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if "<svg" in start[:2000] or start.startswith("<?xml") and "svg" in start[:2000]:
        raise ValidationError(
            "The file is an SVG image, which can hold scripts and cannot be added: "
            "add it as PNG or JPEG"
        )
    markup = ("<!doctype", "<html", "<head", "<body", "<script", "<iframe", "<?xml", "<meta")
    if start.startswith(markup) or "<script" in start or "<html" in start:
        raise ValidationError(
            "The file is a web page (HTML) or other markup, which cannot be added: "
            "save it as PDF and add that"
        )
    if _extension(name) == ".csv":
        return TYPES["csv"]
    if _extension(name) in ("", ".txt"):
        return TYPES["txt"]
    raise ValidationError(
        f"The file is plain text but its name ends {_extension(name)}: "
        "name it .txt or .csv and add it again"
    )


def _check_zip(upload) -> FileType:
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            "The file is damaged (it is not a complete Office or ZIP file): save it again "
            "and add that"
        ) from None
    _check_zip_sizes(entries)
    names = {e.filename.lower() for e in entries}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise ValidationError(MACRO_MESSAGE.format(what="vbaProject.bin"))
    if any(name.startswith(("basic/", "scripts/")) for name in names):
        raise ValidationError(MACRO_MESSAGE.format(what="OpenDocument Basic or scripts"))
    if "[content_types].xml" in names:
        return _check_ooxml(archive)
    if "mimetype" in names:
        mimetype = _read_entry(archive, "mimetype", 200).decode("ascii", "replace").strip()
        if mimetype in ODF_MIMETYPES:
            return TYPES[ODF_MIMETYPES[mimetype]]
        raise ValidationError(
            f"The file is an OpenDocument file of a kind that cannot be added ({mimetype[:60]}): "
            "add an ODT or ODS file"
        )
    raise ValidationError(
        f"The file is a ZIP archive, which cannot be added: add each {ALLOWED_WORDS} file "
        "on its own"
    )


def _check_zip_sizes(entries) -> None:
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(
            f"The file holds {len(entries):,} parts, more than the {ZIP_MAX_ENTRIES:,} "
            "allowed: it cannot be added"
        )
    unpacked = packed = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise ValidationError(
                "The file is password-protected (encrypted), which cannot be checked: "
                "save it without a password and add that"
            )
        unpacked += entry.file_size
        packed += entry.compress_size
        if entry.file_size > MB and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            raise ValidationError(
                "The file unpacks to far more than its size (a zip bomb): it cannot be added"
            )
    if unpacked > ZIP_MAX_UNPACKED or (unpacked > MB and unpacked > ZIP_MAX_RATIO * max(packed, 1)):
        raise ValidationError(
            f"The file unpacks to {unpacked / MB:,.0f} MB (a zip bomb): it cannot be added"
        )


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = next(e for e in archive.infolist() if e.filename.lower() == name.lower())
    if info.file_size > limit:
        raise ValidationError(f"The file's {info.filename} is too large: it cannot be added")
    try:
        with archive.open(info) as part:
            return part.read(limit + 1)[:limit]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ValidationError(
            "The file is damaged (a part of it cannot be read): save it again and add that"
        ) from None


def _check_ooxml(archive: zipfile.ZipFile) -> FileType:
    data = _read_entry(archive, "[Content_Types].xml", CONTENT_TYPES_MAX)
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # defusedxml's refusals and any malformed XML alike
        raise ValidationError(
            "The file is damaged (its list of parts cannot be read): save it again and add that"
        ) from None
    types = {el.get("ContentType", "") for el in root.iter() if el.tag.endswith("Override")}
    for content_type, extension in OOXML_MACRO.items():
        if content_type in types:
            raise ValidationError(MACRO_MESSAGE.format(what=f"a {extension} file"))
    for content_type, code in OOXML_MAIN.items():
        if content_type in types:
            return TYPES[code]
    raise ValidationError(
        "The file is an Office file of a kind that cannot be added (a template, or "
        "another kind): add a DOCX, XLSX or PPTX file"
    )


def _extension(name: str) -> str:
    stem, dot, ext = (name or "").rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _check_name_agrees(name: str, found: FileType) -> None:
    """A name ending with one allowed type's extension must not hold another type: an
    HTML page named .pdf is already refused; a real DOCX named .pdf is refused here, so
    what is downloaded opens in the program its name says."""
    ext = _extension(name)
    named = EXTENSIONS.get(ext)
    if ext and named is None:
        raise ValidationError(f"Files ending {ext} cannot be added: add a {ALLOWED_WORDS} file")
    if named is not None and named != found.code:
        raise ValidationError(
            f"The file's name ends {ext} but it is {found.words}: rename it or choose "
            "the right file"
        )
