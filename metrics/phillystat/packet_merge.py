"""Put a review packet together from its parts (pypdf): the cover and table of
contents, then each department's section in agenda order, with a footer on
every page after the cover (the packet's title and "Page n of N") and a PDF
outline (bookmarks) per department and agenda item.

The sections are rendered apart (several workers share them; an unchanged one
is reused), so the page numbers are only known here: the footer is written
into each page as a small content stream in a standard PDF font, which costs
no layout and keeps the merge quick and light.
"""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

FOOTER_FONT = "/CSOPacketFooter"
FOOTER_SIZE = 8
FOOTER_GREY = "0.357 0.396 0.451"  # the packet's muted colour, #5b6573
MARGIN_X = 16 / 25.4 * 72  # the sections' left and right page margins (16 mm)
BASELINE_Y = 10 / 25.4 * 72
# Helvetica's advance widths (per 1000 em) of the characters "Page n of N" uses.
_WIDTHS = {" ": 278, "P": 667, "a": 556, "g": 556, "e": 556, "o": 556, "f": 278}


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _width(text: str) -> float:
    return sum(_WIDTHS.get(c, 556) for c in text) * FOOTER_SIZE / 1000


def _footer_stream(title: str, number: int, total: int, page_width: float) -> bytes:
    label = f"Page {number} of {total}"
    right = page_width - MARGIN_X - _width(label)
    short = title if len(title) <= 90 else title[:89] + "…"
    return (
        b"Q q BT /CSOPacketFooter %d Tf %s rg %.2f %.2f Td (%s) Tj ET "
        b"BT /CSOPacketFooter %d Tf %s rg %.2f %.2f Td (%s) Tj ET Q\n"
        % (
            FOOTER_SIZE,
            FOOTER_GREY.encode(),
            MARGIN_X,
            BASELINE_Y,
            _pdf_text(short),
            FOOTER_SIZE,
            FOOTER_GREY.encode(),
            right,
            BASELINE_Y,
            _pdf_text(label),
        )
    )


def _content_refs(writer: PdfWriter, page) -> list:
    """The page's content streams, as indirect references (an array may hold no
    direct stream)."""
    existing = page.get(NameObject("/Contents"))
    if existing is None:
        return []
    obj = existing.get_object()
    if isinstance(obj, list):
        return [p if hasattr(p, "idnum") else writer._add_object(p) for p in obj]
    return [existing if hasattr(existing, "idnum") else writer._add_object(obj)]


def _stamp(writer: PdfWriter, title: str, *, skip: int = 1) -> None:
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        if index < skip:
            continue
        footer = DecodedStreamObject()
        footer.set_data(_footer_stream(title, index + 1, total, float(page.mediabox.width)))
        parts = _content_refs(writer, page)
        # The page's own drawing runs between q and Q, so our text starts from
        # the default graphics state whatever the page left behind.
        page[NameObject("/Contents")] = ArrayObject([save_ref, *parts, writer._add_object(footer)])
        resources = page.get(NameObject("/Resources"))
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[NameObject("/Resources")] = resources
        fonts = resources.get(NameObject("/Font"))
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject(FOOTER_FONT)] = font
        resources[NameObject("/Font")] = fonts


def packet_compose(*, cover: bytes, sections: list[dict], title: str, cover_pages: int) -> bytes:
    """sections: {"name", "pdf" (bytes or a binary file), "contents": [[heading, page]]},
    in agenda order. Returns the packet's PDF."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    start = cover_pages
    for section in sections:
        pdf = section["pdf"]
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
        writer.append(reader, import_outline=False)
        parent = writer.add_outline_item(title=section["name"], page_number=start)
        for heading, page in section["contents"]:
            writer.add_outline_item(title=heading, page_number=start + page, parent=parent)
        start += len(reader.pages)
    _stamp(writer, title)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
