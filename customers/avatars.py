"""Customer avatars (API.md §3.5): a data URI decoded and verified, then stored and discarded
through the default storage; and served, scaled, to the original admin's <img> tags (§9.10).

Avatars are re-encoded, never stored as uploaded (security finding 7): storing the client's bytes
kept whatever rode along, metadata (EXIF with GPS positions, comments) and bytes after the image's
end (a PNG with appended HTML is a valid PNG and a valid HTML page). `reencode` decodes the pixels
with Pillow and writes them afresh in the declared format, so only pixels (and palette
transparency) survive. The size is checked from the header BEFORE any pixel is decoded: at most
4096 x 4096 and 16.8 Mpx (a 10 KB PNG can declare 81 Mpx, ~250 MB decoded). Animated images keep
their first frame.
"""

import base64
import binascii
import io
import re
import secrets
import time
import warnings
from dataclasses import dataclass
from typing import Final

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from customers.models import Customer

AVATAR_DIR: Final = "customer/"
AVATAR_MAX_BYTES: Final = 2 * 2**20


@dataclass(frozen=True)
class AvatarImage:
    """Decoded, verified avatar bytes and the extension to store them under."""

    content: bytes
    extension: str


_DATA_URI = re.compile(r"^data:image/([a-zA-Z]+);base64,(.*)\Z", re.DOTALL)
# The data-URI type → the format Pillow must recognise in the bytes.
_AVATAR_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}


class InvalidAvatar(ValueError):
    pass


def avatar_decode(data_uri: str) -> AvatarImage:
    """Parse and verify `data:image/<png|jpeg|jpg|gif|webp>;base64,...` (API.md §3.5).

    The declared type must be allowed (SVG never is), the decoded size at most 2 MB, and the bytes
    an image Pillow identifies as that very type. Raises InvalidAvatar with a readable reason.
    """
    match = _DATA_URI.match(data_uri)
    if not match:
        raise InvalidAvatar("Must be a data URI: data:image/<png|jpeg|jpg|gif|webp>;base64,...")
    extension = match.group(1).lower()
    if extension not in _AVATAR_FORMATS:
        raise InvalidAvatar("Only png, jpeg, jpg, gif and webp images are allowed.")
    encoded = "".join(match.group(2).split())
    # Reject by length before decoding anything large.
    if len(encoded) * 3 // 4 > AVATAR_MAX_BYTES + 3:
        raise InvalidAvatar("The image must be at most 2 MB.")
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidAvatar("The image is not valid base64.") from None
    if not content:
        raise InvalidAvatar("The image is empty.")
    if len(content) > AVATAR_MAX_BYTES:
        raise InvalidAvatar("The image must be at most 2 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                detected = image.format
                image.verify()
    except Exception:
        raise InvalidAvatar("The data is not a valid image.") from None
    if detected != _AVATAR_FORMATS[extension]:
        raise InvalidAvatar(f"The data is not a {extension} image.")
    try:
        content = reencode(content, detected)  # only the pixels are stored
    except AvatarRejected as exc:
        raise InvalidAvatar(str(exc)) from None
    return AvatarImage(content=content, extension="jpg" if extension == "jpeg" else extension)


def avatar_store(image: AvatarImage) -> str:
    """Write the avatar through the default storage; return the stored name (with folder).

    Avatars are served without a token (API.md §9.10), so the name is their only protection:
    128 random bits make it unguessable.
    """
    name = f"{AVATAR_DIR}Img_{int(time.time() * 1000)}_{secrets.token_hex(16)}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content))


def avatar_discard(name: str | None) -> None:
    if name:
        default_storage.delete(name)


# --- Re-encoding (security finding 7) ---------------------------------------------------------
MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE

# Pillow format → (modes it stores as they are, the mode anything else becomes, save options).
_OUTPUT = {
    "PNG": ({"1", "L", "LA", "P", "RGB", "RGBA"}, "RGBA", {}),
    "JPEG": ({"L", "RGB"}, "RGB", {"quality": 90}),
    "GIF": ({"L", "P"}, "P", {}),
    "WEBP": ({"RGB", "RGBA"}, "RGBA", {"quality": 90}),
}


class AvatarRejected(ValueError):
    """Readable reason the image was refused (the API's 422)."""


def reencode(content: bytes, pillow_format: str) -> bytes:
    """Decode `content` (already identified as `pillow_format`) and encode it afresh."""
    keep_modes, fallback_mode, options = _OUTPUT[pillow_format]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise AvatarRejected(f"The image must be at most {MAX_SIDE}x{MAX_SIDE} pixels.")
                image.seek(0)
                image.load()
                transparency = image.info.get("transparency")
                clean = ImageOps.exif_transpose(image)  # keep the intended orientation
                if clean.mode not in keep_modes:
                    clean = clean.convert(fallback_mode)
                    transparency = None
                else:
                    clean = clean.copy()
    except AvatarRejected:
        raise
    except Exception:
        raise AvatarRejected("The data is not a valid image.") from None
    clean.info = {}  # EXIF, ICC, comments, text chunks: none is written back
    if transparency is not None and clean.mode in {"P", "L", "RGB"} and pillow_format != "JPEG":
        options = {**options, "transparency": transparency}
    out = io.BytesIO()
    try:
        clean.save(out, format=pillow_format, **options)
    except (OSError, ValueError):
        raise AvatarRejected("The data is not a valid image.") from None
    return out.getvalue()


# --- Serving (API.md §9.10) ---------------------------------------------------------------------
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


@dataclass(frozen=True)
class AvatarFile:
    content: bytes
    content_type: str


def _is_plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and ".." not in name


def avatar_file(
    *, path: str, name: str, width: int | None = None, height: int | None = None
) -> AvatarFile | None:
    """The avatar `name` (in folder `path`), scaled to fit width x height; None if it is not
    the avatar of a non-deleted customer or is missing from storage."""
    if path != AVATAR_DIR or not _is_plain_name(name) or "\x00" in name:
        return None
    if not Customer.objects.alive().filter(avatar=name, avatar_path=AVATAR_DIR).exists():
        return None
    try:
        with default_storage.open(f"{AVATAR_DIR}{name}", "rb") as stored:
            content = stored.read()
    except (FileNotFoundError, OSError):
        return None
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            if image_format not in CONTENT_TYPES:
                return None
            if width or height:
                content = _scaled(image, image_format, width, height) or content
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return AvatarFile(content=content, content_type=CONTENT_TYPES[image_format])


def _scaled(image: Image.Image, image_format: str, width: int | None, height: int | None):
    """The re-encoded image scaled to fit, or None when it already fits (never enlarged)."""
    original_width, original_height = image.size
    scale = min(
        width / original_width if width else 1.0,
        height / original_height if height else 1.0,
        1.0,
    )
    if scale >= 1.0:
        return None
    size = (
        max(1, round(original_width * scale)),
        max(1, round(original_height * scale)),
    )
    image.seek(0)  # a GIF: its first frame
    frame = image.copy()
    if image_format == "JPEG" and frame.mode not in {"RGB", "L", "CMYK"}:
        frame = frame.convert("RGB")
    if image_format == "GIF":
        frame = frame.convert("RGBA" if "transparency" in image.info else "RGB")
    resized = frame.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    resized.save(out, format=image_format)
    return out.getvalue()
