"""Summary: figures, sentences, tables and charts of a selection."""
