"""One download button for any entry of the download registry, made only when it is clicked."""

from functools import partial

from dashboard.filtering.selection import Selection
from dashboard.pack.downloads import Download


def offer(
    container,
    download: Download,
    chosen: Selection,
    lang: str,
    *,
    key: str,
    editor: bool = False,
    icon: str = ":material/download:",
) -> None:
    """Draw `download`'s button in `container`; its bytes are made from `chosen` when it is clicked."""
    container.download_button(
        download.label(lang),
        partial(download.make, chosen, lang, editor),
        file_name=download.filename(lang, selection=chosen),
        mime=download.mime,
        key=key,
        on_click="ignore",
        icon=icon,
        width="stretch",
    )
