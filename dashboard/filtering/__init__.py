"""Filtering: what the user chose and which innovations it keeps."""
