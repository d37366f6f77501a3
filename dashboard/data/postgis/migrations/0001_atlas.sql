-- The atlas's layers, one table each, as a GeoPackage holds them: `fid` is the row number (from 1) that
-- errors name, points and polygons are PostGIS geometries in EPSG:4326, lists live in link tables.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE partners (
    fid integer PRIMARY KEY,
    partner_id text, name text, acronym text, kind text, role text, joined_year integer, hq_town text,
    country text, region text, website text,
    geometry geometry(Point, 4326)
);

CREATE TABLE communities (
    fid integer PRIMARY KEY,
    community_id text, name text, name_local text, country text, region text, province text, district text,
    altitude_m integer, slope text, people text, location_source text, gazetteer_id text,
    geometry geometry(Point, 4326)
);

CREATE TABLE innovations (
    fid integer PRIMARY KEY,
    innovation_id text, title text, title_local text, description text, kind text, domain text,
    community_id text, year_started integer, year_documented integer, pid_stage text, innovator_type text,
    innovator_name text, consent_public boolean, name_public boolean, visibility text, withheld text, status text,
    geometry geometry(Point, 4326)
);

CREATE TABLE innovation_crops (fid integer PRIMARY KEY, innovation_id text, crop text);
CREATE TABLE innovation_livestock (fid integer PRIMARY KEY, innovation_id text, livestock text);
CREATE TABLE innovation_partners (fid integer PRIMARY KEY, innovation_id text, partner_id text);
CREATE TABLE innovation_labels (fid integer PRIMARY KEY, innovation_id text, label text);

CREATE TABLE boundaries (
    fid integer PRIMARY KEY,
    boundary_id text, level text, code text, name text,
    geometry geometry(Geometry, 4326)
);

CREATE TABLE atlas_metadata (fid integer PRIMARY KEY, key text, value text);

-- the bookkeeping tables: plain text, as history.COLUMNS names them
CREATE TABLE atlas_records (
    fid integer PRIMARY KEY,
    entity text, id text, revision text, updated_at text, updated_by text, source_key text
);
CREATE TABLE atlas_imports (
    fid integer PRIMARY KEY,
    id text, kind text, editor text, time text, file text, sha256 text, counts text, backup text,
    undone_by text, undoes text, records text
);
CREATE TABLE atlas_trash (
    fid integer PRIMARY KEY,
    entity text, id text, deleted_at text, deleted_by text, record text
);

-- which layers the atlas holds and their columns in order (a GeoPackage's list of layers): an absent
-- layer (no boundaries, no history yet) is not the same as an empty one
CREATE TABLE atlas_layers (name text PRIMARY KEY, columns text[] NOT NULL);

-- one row once the database holds an atlas; every write locks it, then changes its revision
CREATE TABLE atlas_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision text NOT NULL
);

-- the backups taken before each write: every layer copied into the schema `atlas_backup_<ordinal>`
CREATE TABLE atlas_backups (
    ordinal integer PRIMARY KEY,
    name text NOT NULL UNIQUE,
    entry text NOT NULL,
    taken text NOT NULL
);
