"""The file rules: which files from outside (e-mail attachments, uploads) are kept.

PDF, JPEG and PNG only, decided by the content, never by the name or the declared type,
which the sender controls. Images must also open with Pillow, so a PNG header glued onto
anything else is refused. This is the one place for these rules.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Leading bytes of each accepted type, and the format name Pillow must report for images.
_PDF = (b"%PDF-", "application/pdf", None)
_PNG = (b"\x89PNG\r\n\x1a\n", "image/png", "PNG")
_JPEG = (b"\xff\xd8\xff", "image/jpeg", "JPEG")
_TYPES = (_PDF, _PNG, _JPEG)


def file_check(*, content: bytes, filename: str, max_bytes: int) -> str:
    """The file's MIME type ("application/pdf", "image/jpeg" or "image/png"), or a
    ValidationError saying why it is refused (too large, empty, or not one of those)."""
    if len(content) > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)s.")
            % {"name": filename, "size": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if not content:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": filename}, code="file_empty")
    for magic, mimetype, image_format in _TYPES:
        if content.startswith(magic):
            if image_format is None or _image_opens(content, image_format):
                return mimetype
            break
    raise ValidationError(
        _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": filename},
        code="file_type",
    )


def _image_opens(content: bytes, image_format: str) -> bool:
    """Pillow reads the header and checks the structure (verify); a decompression bomb
    (Pillow's warning, raised here as an error) is refused like a broken file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != image_format:
                    return False
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return False
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports truncated and malformed files with these.
        return False
    return True
