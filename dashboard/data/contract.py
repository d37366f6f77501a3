"""The data contract: every entity, its fields, their types and vocabularies.

This module is the only place that declares column names. Stored fields are
written to the GeoPackage; multi-valued fields live in link tables; derived
fields are computed on load and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["id", "text", "code", "codes", "ref", "refs", "int", "year", "bool", "region", "country"]

CRS = "EPSG:4326"
CONTRACT_VERSION = "1"
METADATA_LAYER = "atlas_metadata"
# Bookkeeping tables kept beside the records, read and written as they are (all columns text):
# atlas_records — entity, id, revision, updated_at, updated_by, source_key (Kobo _uuid / ODK instanceID)
# atlas_imports — the audit of every import and edit: who, when, which file (sha256), counts, backup
# atlas_trash   — soft-deleted records, recoverable: entity, id, deleted_at, deleted_by, record (JSON)
BOOKKEEPING_TABLES = ("atlas_records", "atlas_imports", "atlas_trash")


@dataclass(frozen=True)
class Field:
    """One column of an entity."""

    name: str
    type: FieldType
    required: bool = False
    vocabulary: str | None = None  # for code/codes: a name in vocab.VOCABULARIES
    target: str | None = None  # for ref/refs: the layer whose ids it names
    default: str | None = None  # a code that a store or file written before the field existed takes
    added_later: bool = False  # a list field newer than some stores: a store without its link table has empty lists

    @property
    def multi(self) -> bool:
        return self.type in ("codes", "refs")


@dataclass(frozen=True)
class Entity:
    """One layer of the store: its id, stored fields and geometry rule."""

    layer: str
    id_field: str
    fields: tuple[Field, ...]
    geometry_required: bool
    derived: tuple[str, ...] = ()
    geometry_types: tuple[str, ...] = ("Point",)

    @property
    def scalar_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.multi)

    @property
    def multi_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.multi)

    def link_layer(self, field: Field) -> str:
        """Name of the link table that stores a multi-valued field."""
        return f"{self.layer.rstrip('s')}_{field.name}"

    def link_column(self, field: Field) -> str:
        """Value column of a link table: the code, or the id of the referenced entity."""
        return field.vocabulary if field.type == "codes" else f"{field.target.rstrip('s')}_id"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


PARTNERS = Entity(
    layer="partners",
    id_field="partner_id",
    geometry_required=True,
    fields=(
        Field("partner_id", "id", required=True),
        Field("name", "text", required=True),
        Field("acronym", "text"),
        Field("kind", "code", required=True, vocabulary="partner_kind"),
        Field("role", "code", required=True, vocabulary="partner_role"),
        Field("joined_year", "year"),
        Field("hq_town", "text"),
        Field("country", "country", required=True),
        Field("region", "region"),
        Field("website", "text"),
    ),
)

COMMUNITIES = Entity(
    layer="communities",
    id_field="community_id",
    geometry_required=True,
    fields=(
        Field("community_id", "id", required=True),
        Field("name", "text", required=True),
        Field("name_local", "text"),
        Field("country", "country", required=True),
        Field("region", "region", required=True),
        Field("province", "text"),
        Field("district", "text"),
        Field("altitude_m", "int"),
        Field("slope", "code", vocabulary="slope"),
        Field("people", "code", vocabulary="people"),
        Field("location_source", "code", required=True, vocabulary="location_source"),
        Field("gazetteer_id", "text"),
    ),
    derived=("natural_region",),
)

INNOVATIONS = Entity(
    layer="innovations",
    id_field="innovation_id",
    geometry_required=False,  # without its own point, an innovation sits at its community
    fields=(
        Field("innovation_id", "id", required=True),
        Field("title", "text", required=True),
        Field("title_local", "text"),
        Field("description", "text"),
        Field("kind", "code", required=True, vocabulary="kind"),
        Field("domain", "code", required=True, vocabulary="domain"),
        Field("crops", "codes", vocabulary="crop"),
        Field("livestock", "codes", vocabulary="livestock"),
        Field("community_id", "ref", required=True, target="communities"),
        Field("partners", "refs", required=True, target="partners"),
        Field("year_started", "year"),
        Field("year_documented", "year", required=True),
        Field("pid_stage", "code", required=True, vocabulary="pid_stage"),
        Field("innovator_type", "code", required=True, vocabulary="innovator_type"),
        Field("innovator_name", "text"),  # restricted: never shown in a public view
        Field("consent_public", "bool", required=True),
        Field("name_public", "bool", required=True),
        # who may see the record in full, how it shows to everyone else, and where it is in review
        Field("visibility", "code", required=True, vocabulary="visibility", default="public"),
        Field("withheld", "code", required=True, vocabulary="withheld", default="generalised"),
        Field("status", "code", required=True, vocabulary="record_status", default="published"),
        # Local Contexts labels and notices the community applied to this record (dashboard/data/localcontexts.py)
        Field("labels", "codes", vocabulary="label", added_later=True),
    ),
    # copied from the community so that filters need no join; has_own_point says
    # whether the geometry is the innovation's own or its community's
    derived=("country", "region", "province", "district", "natural_region", "has_own_point"),
)

# Administrative boundaries (e.g. INEI's regions, provinces or districts), optional: with them
# the map can draw a choropleth. `code` is the ISO 3166-2 region code or the INEI ubigeo.
BOUNDARIES = Entity(
    layer="boundaries",
    id_field="boundary_id",
    geometry_required=True,
    geometry_types=("Polygon", "MultiPolygon"),
    fields=(
        Field("boundary_id", "id", required=True),
        Field("level", "code", required=True, vocabulary="boundary_level"),
        Field("code", "text", required=True),
        Field("name", "text", required=True),
    ),
)

ENTITIES: tuple[Entity, ...] = (PARTNERS, COMMUNITIES, INNOVATIONS)
OPTIONAL_ENTITIES: tuple[Entity, ...] = (BOUNDARIES,)
# community fields that every innovation carries, derived on load
COMMUNITY_FIELDS_ON_INNOVATIONS = ("country", "region", "province", "district", "natural_region")

EARLIEST_YEAR = 1950
