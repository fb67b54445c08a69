"""HTML to PDF with WeasyPrint, never reaching outside the document.

The template is rendered from plain values (``document.Document``); the stylesheet is
inline and the QR code an inline SVG, so the PDF needs no resource at all. The URL
fetcher therefore allows no protocol: no value or template can make WeasyPrint read a
local file (file://) or the network (http://, https://, ...). Fonts come from the system
(fonts-dejavu-core, installed by the set-up scripts), never from the network.
"""

from __future__ import annotations

import segno
from flask import render_template
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from passport.pdf_transcripts.document import Document


def no_fetching() -> URLFetcher:
    return URLFetcher(allowed_protocols=(), allow_redirects=False)


def qr_svg(url: str) -> Markup:
    """The verification URL as an inline SVG QR code (made here, from our own URL)."""
    svg = segno.make(url, error="m").svg_inline(scale=2, omitsize=False)
    return Markup(svg)  # noqa: S704 - segno's own SVG markup; the URL is encoded as modules


def transcript_html(document: Document, *, code: str, verify_url: str) -> str:
    return render_template(
        "pdf/transcript.html",
        doc=document,
        code=code,
        verify_url=verify_url,
        qr=qr_svg(verify_url),
    )


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=no_fetching()).write_pdf()
