"""What an import or an edit does to the store: the store's own `Changes` and `Source`, which intake builds."""

from dashboard.data.changes import Changes, Key, Source

__all__ = ["Changes", "Key", "Source"]
