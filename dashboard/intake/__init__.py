"""Bringing field data in: read any file as text, map its columns, check every row, commit all or nothing."""
