"""Map assets served by the app itself, so maps draw with no internet connection.

Each asset is one file of a pinned npm release, copied into dashboard/static/vendor/
by `python -m dashboard assets` and checked by hash in the tests. Streamlit serves
that folder at /app/static/ (`enableStaticServing`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import folium
from folium.elements import JSCSSMixin

from dashboard.data import files
from dashboard.paths import STATIC

VENDOR = STATIC / "vendor"
E = TypeVar("E", bound=folium.Element)
URL_PREFIX = "app/static/vendor"


@dataclass(frozen=True)
class Asset:
    """One file of a pinned npm package."""

    package: str
    version: str
    source: str  # path inside the package tarball
    licence: str
    sha256: str

    @property
    def file(self) -> Path:
        return VENDOR / f"{self.package}-{self.version}" / Path(self.source).relative_to("package/dist")

    @property
    def url(self) -> str:
        return f"{URL_PREFIX}/{self.file.relative_to(VENDOR).as_posix()}"


LEAFLET = ("leaflet", "1.9.3", "BSD-2-Clause")
CLUSTER = ("leaflet.markercluster", "1.1.0", "MIT")
HEAT = ("leaflet.heat", "0.2.0", "BSD-2-Clause")
DRAW = ("leaflet-draw", "1.0.2", "MIT")

# folium's name for each script or stylesheet -> the local copy that replaces its CDN URL
ASSETS: dict[str, Asset] = {
    "leaflet": Asset(
        *LEAFLET[:2],
        "package/dist/leaflet.js",
        LEAFLET[2],
        "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
    ),
    "leaflet_css": Asset(
        *LEAFLET[:2],
        "package/dist/leaflet.css",
        LEAFLET[2],
        "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
    ),
    "leaflet_layers_png": Asset(
        *LEAFLET[:2],
        "package/dist/images/layers.png",
        LEAFLET[2],
        "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    ),
    "leaflet_layers_2x_png": Asset(
        *LEAFLET[:2],
        "package/dist/images/layers-2x.png",
        LEAFLET[2],
        "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    ),
    "markerclusterjs": Asset(
        *CLUSTER[:2],
        "package/dist/leaflet.markercluster.js",
        CLUSTER[2],
        "7e1a592d5bf4b1698700edecc0ac091166d41d3c31373611627b4e7b9faef067",
    ),
    "markerclustercss": Asset(
        *CLUSTER[:2],
        "package/dist/MarkerCluster.css",
        CLUSTER[2],
        "f9b756b96397305917d2ff42bebdce58294f89879f0d0cfd18664fffbc59c5d7",
    ),
    "markerclusterdefaultcss": Asset(
        *CLUSTER[:2],
        "package/dist/MarkerCluster.Default.css",
        CLUSTER[2],
        "2d687359a406651b1616bac9c60fba667f134fce24d3fb6bb621c173aa9c1a96",
    ),
    "leaflet-heat.js": Asset(
        *HEAT[:2],
        "package/dist/leaflet-heat.js",
        HEAT[2],
        "eb952aae5806a1102729f291bab887dde783ace859819a354827a776e73e486a",
    ),
    "leaflet_draw_js": Asset(
        *DRAW[:2],
        "package/dist/leaflet.draw.js",
        DRAW[2],
        "8f3981eb1cba2f460fccf7aef9c71488f2a9dd413ea919a8e719aae416e74afd",
    ),
    "leaflet_draw_css": Asset(
        *DRAW[:2],
        "package/dist/leaflet.draw.css",
        DRAW[2],
        "5f30f74696873efee5cd7f6ab7eda7d63e5c5a3e3c3b6e0ab2068662928df31f",
    ),
    "leaflet_draw_sprite_png": Asset(
        *DRAW[:2],
        "package/dist/images/spritesheet.png",
        DRAW[2],
        "a8978a1d3d21d8ee6f16cce342ff67fc47c4241f52161f05baf88f15e1058199",
    ),
    "leaflet_draw_sprite_2x_png": Asset(
        *DRAW[:2],
        "package/dist/images/spritesheet-2x.png",
        DRAW[2],
        "fa2c95e0610f3787c879645e42b86ad010c305f8312e116841730d00d4ab72b7",
    ),
    "leaflet_draw_sprite_svg": Asset(
        *DRAW[:2],
        "package/dist/images/spritesheet.svg",
        DRAW[2],
        "7077bae968047180921324df351d95fe2f021cdaefa01e20645162402f767da4",
    ),
}
# Scripts and styles folium adds by default that the atlas's maps never use
# (Bootstrap, jQuery, Font Awesome markers): left out rather than fetched from a CDN.
UNUSED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


def _elements(element: folium.Element):
    if isinstance(element, JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def _local(links: list[tuple[str, str]], root: str) -> list[tuple[str, str]]:
    unknown = [name for name, _ in links if name not in ASSETS and name not in UNUSED]
    if unknown:
        raise KeyError(f"no local copy of map asset {unknown[0]!r}; add it to dashboard.offline.ASSETS")
    return [(name, f"{root}{ASSETS[name].url}") for name, _ in links if name in ASSETS]


def serve_locally(fmap: E, root: str = "/") -> E:
    """Point every script and stylesheet of `fmap` (a map or a layer) at the app's own copies."""
    for element in _elements(fmap):
        element.default_js = _local(element.default_js, root)
        element.default_css = _local(element.default_css, root)
    return fmap


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(npm: str = "npm") -> list[Path]:
    """Copy every asset from its npm package (`npm pack`) into VENDOR; returns the files written."""
    written = []
    with tempfile.TemporaryDirectory() as work:
        for package, version in sorted({(a.package, a.version) for a in ASSETS.values()}):
            subprocess.run([npm, "pack", f"{package}@{version}", "--silent"], cwd=work, check=True, capture_output=True)
            tarball = next(Path(work).glob(f"{package}-{version}.tgz"))
            with tarfile.open(tarball) as archive:
                for asset in (a for a in ASSETS.values() if (a.package, a.version) == (package, version)):
                    asset.file.parent.mkdir(parents=True, exist_ok=True)
                    with (
                        archive.extractfile(asset.source) as source,
                        files.replacing(asset.file) as partial,
                        partial.open("wb") as target,
                    ):
                        shutil.copyfileobj(source, target)
                    if sha256(asset.file) != asset.sha256:
                        raise ValueError(f"{asset.file}: hash differs from the one recorded in ASSETS")
                    written.append(asset.file)
    return written
