"""Which input column feeds which field: guessed from names (Spanish and English), corrected and saved by people.

A `Mapping` is a plain dict {input column: target}; targets are contract field names plus the
intake-only targets of `EXTRA_TARGETS` (coordinates in their several shapes, the community's
name, the submission key of a KoboToolbox or ODK export). A mapping can be saved under a
name and is found again for the next export of the same form (same columns).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from dashboard.data import files
from dashboard.data.contract import COMMUNITIES, INNOVATIONS, Entity
from dashboard.data.vocab import LANGUAGES
from dashboard.i18n import catalogue, t

Mapping = dict[str, str | None]  # input column -> target (None: not imported)

# targets that are not contract fields but that intake understands
EXTRA_TARGETS = (
    "latitude",
    "longitude",
    "geopoint",
    "utm_easting",
    "utm_northing",
    "utm_zone",
    "accuracy",
    "community_name",
    "source_key",
    "location_shown",
)
IGNORED_FIELDS = {"has_own_point"}  # derived, never read from a file
EXPORT_COLUMNS = "export.column."  # catalogue keys of the headers the atlas's own exports write

# target -> names it goes by in field forms and spreadsheets (folded: lower case, no accents, single spaces)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "innovation_id": ("id", "id innovacion", "codigo", "codigo innovacion", "innovation id", "innovation"),
    "title": ("titulo", "nombre de la innovacion", "innovacion", "nombre innovacion", "title", "name"),
    "title_local": ("titulo local", "nombre local", "titulo quechua", "nombre quechua", "local title"),
    "description": ("descripcion", "detalle", "detalles", "description", "details"),
    "kind": ("tipo", "clase", "tipo de innovacion", "kind", "type"),
    "domain": ("ambito", "tema", "area", "area tematica", "domain", "theme"),
    "crops": ("cultivo", "cultivos", "crop", "crops"),
    "livestock": ("crianza", "crianzas", "ganado", "animales", "livestock", "animals"),
    "labels": ("etiqueta", "etiquetas", "etiquetas de local contexts", "labels", "local contexts labels", "tk labels"),
    "community_id": ("id comunidad", "codigo comunidad", "community id"),
    "community_name": (
        "comunidad",
        "comunidad campesina",
        "community",
        "nombre comunidad",
        "nombre de la comunidad",
        "community name",
        "name of the community",
    ),
    "partners": ("socio", "socios", "aliado", "aliados", "institucion", "instituciones", "partner", "partners"),
    "year_started": ("ano inicio", "ano de inicio", "inicio", "year started", "start year"),
    "year_documented": ("ano", "anio", "ano documentado", "ano de documentacion", "year", "year documented"),
    "pid_stage": ("etapa", "etapa dpi", "fase", "stage", "pid stage"),
    "innovator_type": ("tipo de innovador", "innovador", "tipo innovador", "innovator type", "innovator"),
    "innovator_name": ("nombre del innovador", "nombre innovador", "nombre de la innovadora", "innovator name"),
    "consent_public": ("consentimiento", "consentimiento publico", "publico", "consent", "public consent"),
    "name_public": ("nombre publico", "publicar nombre", "name public", "public name"),
    "latitude": ("latitud", "lat", "y", "latitude"),
    "longitude": ("longitud", "lon", "lng", "long", "x", "longitude"),
    "geopoint": ("ubicacion", "gps", "geopoint", "punto", "coordenadas", "location", "coordinates"),
    "utm_easting": ("este", "utm este", "easting", "utm x", "utm easting"),
    "utm_northing": ("norte", "utm norte", "northing", "utm y", "utm northing"),
    "utm_zone": ("zona", "zona utm", "utm zone", "zone"),
    "accuracy": ("precision", "exactitud", "accuracy", "gps precision", "gps accuracy"),
    "altitude_m": ("altitud", "altura", "msnm", "altitude", "elevation"),
    "country": ("pais", "country"),
    "region": ("region", "departamento", "department", "region code"),
    "province": ("provincia", "province"),
    "district": ("distrito", "district"),
    "name": ("nombre", "name"),
    "name_local": ("nombre local", "nombre quechua", "local name"),
    "people": ("pueblo", "pueblo indigena", "people", "indigenous people"),
    "slope": ("pendiente", "ladera", "slope"),
    "location_source": ("fuente de ubicacion", "origen de ubicacion", "location source"),
    "source_key": ("uuid", "instanceid", "meta instanceid", "key", "submission key"),
    "location_shown": ("ubicacion mostrada", "ubicacion generalizada", "location shown"),
}


@lru_cache(maxsize=65_536)  # a file repeats its communities, regions and codes thousands of times
def fold(name: object) -> str:
    """A column name as compared: lower case, no accents, words separated by one space."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


def targets(entity: Entity) -> tuple[str, ...]:
    """Every target a column of an `entity` file can be mapped to."""
    own = tuple(f.name for f in entity.fields if f.name not in IGNORED_FIELDS)
    # an innovation's place comes from its community; its region only tells same-named communities apart
    extra = (
        (*EXTRA_TARGETS, "region")
        if entity is INNOVATIONS
        else tuple(t for t in EXTRA_TARGETS if t != "community_name")
    )
    return own + extra


def _all_targets() -> frozenset[str]:
    return frozenset(targets(INNOVATIONS)) | frozenset(targets(COMMUNITIES))


def label(target: str | None, lang: str) -> str:
    """A target as an editor reads it: the column name the atlas's exports use, or intake's own words."""
    if not target:
        return t("manage.import.not_imported", lang)
    known = catalogue(lang)
    return known.get(f"{EXPORT_COLUMNS}{target}") or known.get(f"manage.target.{target}", target)


def guess(columns: list[str], entity: Entity = INNOVATIONS) -> Mapping:
    """The likeliest target of each column by its name; a target already taken is not given twice."""
    allowed = targets(entity)
    by_name = {fold(name): name for name in allowed}
    for lang in LANGUAGES:  # the atlas's own spreadsheets name their columns in the catalogue's words
        for key, label in catalogue(lang).items():
            if key.startswith(EXPORT_COLUMNS) and key.removeprefix(EXPORT_COLUMNS) in allowed:
                by_name.setdefault(fold(label), key.removeprefix(EXPORT_COLUMNS))
    for target, names in SYNONYMS.items():
        if target in allowed:
            for name in names:
                by_name.setdefault(name, target)
    if entity is COMMUNITIES:  # in a community file, "comunidad"/"nombre" is the community's own name
        by_name.update({name: "name" for name in SYNONYMS["community_name"]})
        by_name.update({"id": "community_id", "codigo": "community_id"})
    mapping: Mapping = {}
    taken: set[str] = set()
    for column in columns:
        target = by_name.get(fold(column))
        if str(column).startswith("_") and target != "source_key":
            target = None  # a form tool's own column (Kobo _id, _index…) is never an atlas field
        mapping[column] = target if target not in taken else None
        taken |= {target} if target else set()
    fallback = next((c for c in columns if c == "_id"), None)  # Kobo's submission number, when it has no _uuid
    if fallback is not None and "source_key" not in taken:
        mapping[fallback] = "source_key"
    return mapping


# words that, among a column's words, say it holds a coordinate ("Latitud (S)", "GPS_Latitud", "lat_dec", "UTM_X")
COORDINATE_WORDS: dict[str, frozenset[str]] = {
    "latitude": frozenset({"lat", "latitud", "latitude", "latitudes"}),
    "longitude": frozenset({"lon", "long", "lng", "longitud", "longitude", "longitudes"}),
    "utm_easting": frozenset({"este", "easting", "utmx", "xutm"}),
    "utm_northing": frozenset({"norte", "northing", "utmy", "yutm"}),
    "utm_zone": frozenset({"zona", "zone", "huso"}),
    "altitude_m": frozenset({"altitud", "altura", "msnm", "elevacion", "elevation", "altitude"}),
}


def suggest(column: str, entity: Entity, taken: set[str]) -> str | None:
    """What an unmapped column probably is, by the words of its name; None when nothing fits or it is taken.

    Only a suggestion for the report: the column stays unmapped until a person maps it.
    """
    if str(column).startswith("_"):
        return None  # a form tool's own column (Kobo _id, _index…): never an atlas field
    if fold(column) in {fold(t("generalised.column", lang)) for lang in LANGUAGES}:
        return None  # a public export's "Zona mostrada" says where a record is shown, not a UTM zone
    words = fold(column).split()
    joined = {"".join(words[i : i + 2]) for i in range(len(words))} | set(words)  # "utm x" -> "utmx"
    allowed = [t for t in targets(entity) if t not in taken]
    for target, known in COORDINATE_WORDS.items():
        if target in allowed and joined & known:
            return target
    own_name = {"name": (*SYNONYMS["community_name"], *SYNONYMS["name"])} if entity is COMMUNITIES else {}
    names = {**SYNONYMS, **own_name}
    found = [
        (len(name.split()), target)
        for target, listed in names.items()
        if target in allowed
        for name in listed
        if set(name.split()) <= set(words)
    ]
    return max(found)[1] if found else None


def signature(columns: list[str]) -> str:
    """The same form's exports share their columns: a short digest of the sorted folded names."""
    return hashlib.sha256("\n".join(sorted(fold(c) for c in columns)).encode()).hexdigest()[:16]


def save(folder: Path, name: str, mapping: Mapping, columns: list[str], entity: Entity) -> Path:
    """Keep `mapping` under `name` for the next file with these columns; returns the file written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{fold(name).replace(' ', '-') or 'mapping'}.json"
    record = {"name": name, "entity": entity.layer, "signature": signature(columns), "mapping": mapping}
    files.write_text(path, json.dumps(record, ensure_ascii=False, indent=1))
    return path


def load(path: Path) -> dict:
    """A saved mapping: {"name", "entity", "signature", "mapping"}."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(record.get("mapping"), dict):
        raise ValueError(f"{path}: no mapping")
    return record


def saved_for(folder: Path, columns: list[str], entity: Entity) -> dict | None:
    """The saved mapping made for a file with exactly these columns, if any (the newest)."""
    wanted = signature(columns)
    found = (
        [load(p) for p in sorted(Path(folder).glob("*.json"), key=lambda p: p.stat().st_mtime) if p.is_file()]
        if Path(folder).is_dir()
        else []
    )
    matches = [r for r in found if r["signature"] == wanted and r.get("entity") == entity.layer]
    return matches[-1] if matches else None


def applied(saved: Mapping, columns: list[str], entity: Entity) -> Mapping:
    """A saved mapping over these columns: its choices where it has one, a guess elsewhere."""
    guessed = guess(columns, entity)
    return {column: saved[column] if column in saved else guessed[column] for column in columns}


ALL_TARGETS = _all_targets()  # every field a file's column can feed, for either kind of file
