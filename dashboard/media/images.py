"""An uploaded photo made safe to keep and to show: checked, turned upright, shrunk and re-encoded bare.

A phone's photo carries where and when it was taken (EXIF, GPS, XMP) and sometimes who took it:
a community's photo must not give away the exact place a restricted record hides. Only the pixels
survive: the picture is decoded, turned as its EXIF orientation says, brought to sRGB, shrunk, and
written anew with no metadata at all. Anything that is not a JPEG, PNG, WebP or HEIC photo, is
damaged, or declares more pixels than a camera makes (a decompression bomb) is refused with a
message in the user's language that names the file.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps

from dashboard.i18n import DEFAULT_LANGUAGE, number, t

MAX_BYTES = 20 * 1024 * 1024  # refused before decoding: no phone photo is larger
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is a bomb, not a photo
LONGEST_SIDE = 1600  # sharp on a projector and in print on half an A4 page
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
# Pillow's names of the formats opened; no other decoder is ever tried on an upload
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
WHITE = (255, 255, 255)  # what shows through a transparent photo saved as JPEG

pillow_heif.register_heif_opener()  # HEIC, the iPhone's default: decoded by the wheel's own libheif, offline


class MediaError(ValueError):
    """A file that cannot become a photo: `key` names the reason in the catalogue, `name` the file."""

    def __init__(self, key: str, name: str, **params: object) -> None:
        self.key, self.name, self.params = key, name, params
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What is wrong with the file and what to do, in `lang`."""
        shown = {key: number(value, lang) if isinstance(value, int) else value for key, value in self.params.items()}
        return t(self.key, lang, name=self.name, **shown)


@dataclass(frozen=True)
class Photo:
    """A stored photo: its re-encoded bytes and thumbnail, their type, size and fingerprint, and the upload's name."""

    image: bytes
    thumbnail: bytes
    mime: str  # of `image`; the thumbnail is always a JPEG
    width: int
    height: int
    sha256: str  # of `image`: the same upload always gives the same photo
    name: str


def prepared(data: bytes, name: str) -> Photo:
    """The photo to store from the uploaded file `data` called `name`; a `MediaError` if it is not one.

    JPEG, PNG, WebP and HEIC are accepted. The result is upright, at most `LONGEST_SIDE` pixels on
    its longest side, a JPEG (a PNG only when it has transparent parts), and holds no metadata.
    """
    if len(data) > MAX_BYTES:
        raise MediaError("media.too_large", name, size=_megabytes(len(data)), limit=_megabytes(MAX_BYTES))
    picture = _decoded(data, name)
    kind = picture.format
    picture = _in_srgb(ImageOps.exif_transpose(picture))
    keeps_alpha = kind == "PNG" and _transparent(picture)  # a transparent WebP or HEIC still becomes a JPEG
    picture = picture.convert("RGBA") if keeps_alpha else _flattened(picture)
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    image = _encoded(picture, "PNG" if keeps_alpha else "JPEG")
    small = _flattened(picture)
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return Photo(
        image=image,
        thumbnail=_encoded(small, "JPEG"),
        mime="image/png" if keeps_alpha else "image/jpeg",
        width=picture.width,
        height=picture.height,
        sha256=hashlib.sha256(image).hexdigest(),
        name=name,
    )


def _megabytes(size: int) -> int:
    """A size in bytes as whole megabytes, rounded up (a file just over the limit does not read as the limit)."""
    return -(-size // (1024 * 1024))


def _decoded(data: bytes, name: str) -> Image.Image:
    """The file's first picture, fully decoded; refused when it is no photo, too many pixels or damaged."""
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: here every bomb is an error
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaError("media.too_many_pixels", name, limit=MAX_PIXELS // 1_000_000) from None
        except (OSError, SyntaxError, ValueError):  # UnidentifiedImageError is an OSError
            raise MediaError("media.not_image", name) from None
    if picture.width * picture.height > MAX_PIXELS:  # checked on the header, before any pixel is decoded
        raise MediaError("media.too_many_pixels", name, limit=MAX_PIXELS // 1_000_000)
    try:
        picture.load()
    except (OSError, SyntaxError, ValueError, EOFError):  # truncated or corrupt data
        raise MediaError("media.damaged", name) from None
    return picture


def _in_srgb(picture: Image.Image) -> Image.Image:
    """The picture's colours in sRGB when it carries another colour profile (a phone's Display P3, a CMYK scan)."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "CMYK"):
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError):  # a broken profile: the pixels as they are
        return picture.convert("RGB")


def _transparent(picture: Image.Image) -> bool:
    """Whether any pixel of the picture is less than fully opaque."""
    if picture.mode not in ("RGBA", "LA", "PA") and "transparency" not in picture.info:
        return False
    return picture.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _flattened(picture: Image.Image) -> Image.Image:
    """The picture in RGB, any transparent part over white."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def _encoded(picture: Image.Image, kind: str) -> bytes:
    """The pixels alone written as `kind` (JPEG or PNG): no EXIF, XMP, ICC profile, comment or text chunk."""
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())  # a new image carries no `info`
    buffer = io.BytesIO()
    if kind == "JPEG":
        bare.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        bare.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
