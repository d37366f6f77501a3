"""Small valid field files with bytes flipped, inserted, deleted or cut: each is read as a table or refused.

Each format's sample is mutated by hypothesis (derandomized, so every run tries the same files) and fed to
`read_table`. For zipped formats the members are mutated too, before zipping, so that the mutations reach
the XML, shapefile and CSV parsers behind the archive's checksums.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dashboard.intake.issues import IntakeError
from dashboard.intake.readers import RawTable, read_table
from tests import intake_corpus as corpus

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>innovaciones</name>
<Placemark><name>Socos</name><ExtendedData><Data name="innovation_id"><value>INN-001</value></Data></ExtendedData>
<Point><coordinates>-74.2249,-13.1604</coordinates></Point></Placemark>
<Placemark><name>Ñuñoa</name><Point><coordinates>-70.6,-14.5,3900</coordinates></Point></Placemark>
</Document></kml>
"""
GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"innovation_id": "INN-001", "name": "Socos", "altitude": 2750},
                "geometry": {"type": "Point", "coordinates": [-74.2249, -13.1604]},
            },
            {
                "type": "Feature",
                "properties": {"innovation_id": "INN-002", "name": "Ñuñoa", "crops": ["papa", "oca"]},
                "geometry": {"type": "Point", "coordinates": [-70.6, -14.5]},
            },
        ],
    },
    ensure_ascii=False,
)
# One mutation: what to do, where (taken modulo the length) and which byte or bit.
MUTATION = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "truncate"]), st.integers(0, 1 << 20), st.integers(0, 255)
)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def mutate(data: bytes, mutations: list[tuple[str, int, int]]) -> bytes:
    """`data` with each mutation applied in turn: a bit flipped, a byte inserted, a few deleted, or the rest cut."""
    out = bytearray(data)
    for kind, where, value in mutations:
        at = where % (len(out) + 1)
        if kind == "flip" and at < len(out):
            out[at] ^= 1 << (value % 8)
        elif kind == "insert":
            out[at:at] = bytes([value])
        elif kind == "delete":
            del out[at : at + 1 + value % 16]
        elif kind == "truncate":
            out = out[:at]
    return bytes(out)


def _workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "datos"
    for row in (["innovation_id", "name", "altitude"], ["INN-001", "Socos", 2750], ["INN-002", "Ñuñoa", 3.5]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _built(builder: corpus.Builder) -> bytes:
    """The bytes of a corpus file, built in a folder that is then removed."""
    with tempfile.TemporaryDirectory() as folder:
        return builder(Path(folder)).read_bytes()


def _with_member_mutated(sample: bytes, member: str) -> Callable[[list], bytes]:
    """A mutator that changes one member of a zip before zipping it again (checksums then still match)."""
    members = _zip_members(sample)
    name = next(n for n in members if n.endswith(member))
    return lambda mutations: _zipped({**members, name: mutate(members[name], mutations)})


SAMPLES: dict[str, tuple[str, Callable[[], bytes]]] = {  # case: (file name, valid bytes)
    "csv": ("datos.csv", lambda: _built(corpus.ragged_csv)),
    "geojson": ("datos.geojson", lambda: GEOJSON.encode()),
    "kml": ("datos.kml", lambda: KML.encode()),
    "xlsx": ("datos.xlsx", _workbook_bytes),
    "zip_shapefile": ("capa.zip", lambda: _built(corpus.zipped_shapefile)),
}
MEMBERS: dict[str, tuple[str, str, str]] = {  # case: (file name, sample, member mutated inside the zip)
    "xlsx_sheet_xml": ("datos.xlsx", "xlsx", "sheet1.xml"),
    "xlsx_workbook_xml": ("datos.xlsx", "xlsx", "workbook.xml"),
    "xlsx_styles_xml": ("datos.xlsx", "xlsx", "styles.xml"),
    "shapefile_shp": ("capa.zip", "zip_shapefile", ".shp"),
    "shapefile_dbf": ("capa.zip", "zip_shapefile", ".dbf"),
    "zipped_csv": ("datos.zip", "zipped_csv", "datos.csv"),
}


def _mutators() -> dict[str, tuple[str, Callable[[list], bytes]]]:
    samples = {case: (name, build()) for case, (name, build) in SAMPLES.items()}
    samples["zipped_csv"] = ("datos.zip", _zipped({"datos.csv": samples["csv"][1]}))
    mutators = {
        case: (name, lambda mutations, data=data: mutate(data, mutations))
        for case, (name, data) in samples.items()
        if case in SAMPLES
    }
    for case, (name, sample, member) in MEMBERS.items():
        mutators[case] = (name, _with_member_mutated(samples[sample][1], member))
    return mutators


MUTATORS = _mutators()


def _read(name: str, data: bytes) -> RawTable | IntakeError:
    with tempfile.TemporaryDirectory(prefix="atlas-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read_table(path)
        except IntakeError as error:
            return error


@pytest.mark.parametrize("case", MUTATORS)
def test_the_unmutated_samples_read(case):
    name, build = MUTATORS[case]
    assert isinstance(_read(name, build([])), RawTable)


@pytest.mark.filterwarnings("ignore:File contains an invalid specification:UserWarning")  # openpyxl, on a mangled part
@pytest.mark.parametrize("case", list(MUTATORS))
@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_files_are_read_or_refused(case, mutations):
    name, build = MUTATORS[case]
    outcome = _read(name, build(mutations))
    assert isinstance(outcome, RawTable | IntakeError)
    if isinstance(outcome, IntakeError):
        assert name in outcome.message("es")
