"""Pack: downloads of a selection (data files, brief, charts, standalone map)."""
