"""Uploaded photos: what is refused, and what is kept of the rest (pixels, upright, shrunk; no metadata)."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pillow_heif
import pytest
from PIL import Image, ImageCms

from dashboard.i18n import t
from dashboard.media.images import LONGEST_SIDE, MAX_BYTES, MediaError, Photo, prepared

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 160, 60)
GPS_IFD, ORIENTATION = 0x8825, 0x0112
WHERE = {1: "S", 2: (13.0, 9.0, 30.0), 3: "W", 4: (74.0, 13.0, 0.0), 27: b"ASCII\x00\x00\x00GPS"}


def _halves(size: tuple[int, int]) -> Image.Image:
    """A picture red on its left half and blue on its right."""
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    return picture


def _camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: maker, orientation and where the photo was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = WHERE
    return exif


def _saved(picture: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, kind, **options)
    return buffer.getvalue()


def _phone_jpeg(size: tuple[int, int] = (400, 300), orientation: int = 1, icc: bool = True) -> bytes:
    """A JPEG with EXIF (GPS included), XMP, a comment and (if `icc`) an ICC profile, as a phone might send."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if icc else None
    return _saved(
        _halves(size),
        "JPEG",
        exif=_camera_exif(orientation),
        xmp=b"<x:xmpmeta>GPS -13.15 -74.22</x:xmpmeta>",
        comment=b"GPS near the community",
        icc_profile=profile,
    )


def _png_declaring(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header claims `width` × `height` pixels (CRC recomputed): a decompression bomb's shape."""
    data = bytearray(_saved(Image.new("RGB", (1, 1), GREEN), "PNG"))
    start = data.index(b"IHDR")
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[start + 12 : start + 17])
    data[start : start + 21] = header + struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def _stored(photo: Photo) -> Image.Image:
    return Image.open(io.BytesIO(photo.image))


def _is_bare(encoded: bytes) -> bool:
    """Whether stored bytes hold no EXIF, XMP, comment, GPS text or ICC profile."""
    picture = Image.open(io.BytesIO(encoded))
    kept = {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(picture.info)
    return not picture.getexif() and not kept and not any(word in encoded for word in (b"Exif", b"GPS", b"xmp"))


def test_the_phone_photo_of_the_test_carries_a_gps_position():
    data = _phone_jpeg(icc=False)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)[1] == "S"
    assert b"Exif" in data and b"GPS" in data and not _is_bare(data)


@pytest.mark.parametrize("icc", [True, False])
@pytest.mark.parametrize("orientation", [1, 6])
def test_a_stored_photo_and_its_thumbnail_hold_no_metadata_at_all(icc, orientation):
    photo = prepared(_phone_jpeg(orientation=orientation, icc=icc), "foto.jpg")
    assert photo.mime == "image/jpeg" and _stored(photo).format == "JPEG"
    assert _is_bare(photo.image)
    assert _is_bare(photo.thumbnail)


def test_a_heic_photo_is_stored_as_a_bare_jpeg():
    heic = pillow_heif.from_pillow(_halves((400, 300)))
    buffer = io.BytesIO()
    heic.save(buffer, quality=80, exif=_camera_exif().tobytes())
    photo = prepared(buffer.getvalue(), "IMG_0001.HEIC")
    assert (photo.mime, photo.width, photo.height) == ("image/jpeg", 400, 300)
    assert _is_bare(photo.image)


def test_a_photo_turned_by_its_exif_comes_out_upright():
    # orientation 6: the camera was held on its side; shown turned a quarter clockwise
    photo = prepared(_phone_jpeg((400, 300), orientation=6), "de-lado.jpg")
    picture = _stored(photo).convert("RGB")
    assert (photo.width, photo.height) == picture.size == (300, 400)
    top, bottom = picture.getpixel((150, 20)), picture.getpixel((150, 380))
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]  # the red left half is now at the top


def test_a_large_photo_is_shrunk_and_gets_a_thumbnail():
    photo = prepared(_saved(_halves((4000, 3000)), "JPEG"), "grande.jpg")
    assert (photo.width, photo.height) == _stored(photo).size == (LONGEST_SIDE, 1200)
    assert Image.open(io.BytesIO(photo.thumbnail)).size == (320, 240)
    assert Image.open(io.BytesIO(photo.thumbnail)).format == "JPEG"


def test_the_same_upload_gives_the_same_photo():
    first, second = prepared(_phone_jpeg(), "a.jpg"), prepared(_phone_jpeg(), "b.jpg")
    assert first.sha256 == second.sha256 == hashlib.sha256(first.image).hexdigest()
    assert first.image == second.image and (first.name, second.name) == ("a.jpg", "b.jpg")


def _transparent_png() -> bytes:
    picture = Image.new("RGBA", (200, 100), (*GREEN, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 100, 100))
    return _saved(picture, "PNG")


@pytest.mark.parametrize(
    ("upload", "mime", "mode"),
    [
        (_transparent_png(), "image/png", "RGBA"),  # transparency kept
        (_saved(_halves((200, 100)).convert("RGBA"), "PNG"), "image/jpeg", "RGB"),  # opaque, though RGBA
        (_saved(_halves((200, 100)), "PNG"), "image/jpeg", "RGB"),
        (_saved(_halves((200, 100)), "WEBP"), "image/jpeg", "RGB"),
        (_saved(Image.open(io.BytesIO(_transparent_png())), "WEBP", lossless=True), "image/jpeg", "RGB"),
        (_saved(_halves((200, 100)).convert("CMYK"), "JPEG"), "image/jpeg", "RGB"),
        (_saved(_halves((200, 100)).convert("P"), "PNG", transparency=0), "image/jpeg", "RGB"),  # index 0 unused
    ],
)
def test_only_a_transparent_png_stays_a_png(upload, mime, mode):
    photo = prepared(upload, "subida")
    assert photo.mime == mime and _stored(photo).mode == mode
    assert (photo.width, photo.height) == (200, 100)
    assert _is_bare(photo.image)


def _truncated_jpeg() -> bytes:
    data = _saved(_halves((400, 300)), "JPEG")
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("upload", "key"),
    [
        (b"Lista de semillas: papa, oca, olluco\n", "media.not_image"),  # a text file renamed .jpg
        (b"", "media.not_image"),
        (_saved(_halves((20, 10)), "GIF"), "media.not_image"),
        (_saved(_halves((20, 10)), "BMP"), "media.not_image"),
        (_truncated_jpeg(), "media.damaged"),
        (_png_declaring(8000, 8000), "media.too_many_pixels"),  # 64 Mpx: over the atlas's limit only
        (_png_declaring(10_000, 10_000), "media.too_many_pixels"),  # over the size Pillow warns about
        (_png_declaring(20_000, 20_000), "media.too_many_pixels"),  # over the size Pillow refuses
        (b"\xff\xd8\xff" + bytes(MAX_BYTES), "media.too_large"),  # refused before decoding
    ],
)
def test_what_is_not_a_photo_is_refused_naming_the_file(upload, key):
    with pytest.raises(MediaError) as caught:
        prepared(upload, "foto-de-la-qocha.jpg")
    assert caught.value.key == key
    for lang in ("es", "en"):
        assert "«foto-de-la-qocha.jpg»" in caught.value.message(lang)
    assert caught.value.message("es") != caught.value.message("en")
    assert isinstance(caught.value, ValueError) and "foto-de-la-qocha.jpg" in str(caught.value)


def test_a_refusal_says_the_limits_in_the_language():
    with pytest.raises(MediaError) as caught:
        prepared(_png_declaring(8000, 8000), "bomba.png")
    assert caught.value.message("es") == t("media.too_many_pixels", "es", name="bomba.png", limit="40")
    with pytest.raises(MediaError) as caught:
        prepared(bytes(MAX_BYTES + 5 * 1024 * 1024), "enorme.jpg")
    assert "25 MB" in caught.value.message("en") and "20 MB" in caught.value.message("en")
