"""Local Contexts labels and notices: which one a community applied to a record or to the whole collection.

Local Contexts (https://localcontexts.org) gives Indigenous communities Traditional Knowledge (TK) and
Biocultural (BC) labels, and notices that institutions use until a community applies its labels. The
official wording and icons are published at localcontexts.org, and each community customises the text
of the labels it applies in the Local Contexts Hub. The atlas does not reproduce either: it stores which
label a community applied (a code), names it, says in one sentence of our own what the label signals,
and draws its own plain badge (family and short code, `badge_svg`), shipped in dashboard/static/labels/
so that nothing is fetched at run time. Read the community's own text in the Hub before reusing a record.
"""

from __future__ import annotations

import base64
from pathlib import Path
from xml.sax.saxutils import escape

from dashboard import palette
from dashboard.i18n import LANGUAGES
from dashboard.paths import STATIC

BADGES = STATIC / "labels"
COLLECTION_KEY = "collection_labels"  # store metadata: comma-separated codes that apply to every record

# code -> (name in Spanish, name in English), TK labels, then BC labels, then the notices
LABEL_NAMES: dict[str, tuple[str, str]] = {
    "tk_attribution": ("TK Atribución", "TK Attribution"),
    "tk_non_commercial": ("TK No comercial", "TK Non-Commercial"),
    "tk_community_voice": ("TK Voz comunitaria", "TK Community Voice"),
    "tk_culturally_sensitive": ("TK Culturalmente sensible", "TK Culturally Sensitive"),
    "tk_seasonal": ("TK Estacional", "TK Seasonal"),
    "tk_women_restricted": ("TK Restringido a mujeres", "TK Women Restricted"),
    "tk_men_restricted": ("TK Restringido a hombres", "TK Men Restricted"),
    "tk_secret_sacred": ("TK Secreto-sagrado", "TK Secret-Sacred"),
    "tk_verified": ("TK Verificado", "TK Verified"),
    "tk_non_verified": ("TK No verificado", "TK Non-Verified"),
    "bc_provenance": ("BC Procedencia", "BC Provenance"),
    "bc_consent_verified": ("BC Consentimiento verificado", "BC Consent Verified"),
    "bc_multiple_communities": ("BC Comunidades múltiples", "BC Multiple Communities"),
    "bc_research_use": ("BC Uso en investigación", "BC Research Use"),
    "tk_notice": ("Aviso TK", "TK Notice"),
    "bc_notice": ("Aviso BC", "BC Notice"),
}

# code -> what the label signals, in our own words (not the official label text), (es, en)
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "tk_attribution": (
        "La comunidad pide que se la nombre como fuente de este conocimiento.",
        "The community asks to be named as the source of this knowledge.",
    ),
    "tk_non_commercial": (
        "La comunidad pide que este conocimiento no se use para ganar dinero.",
        "The community asks that this knowledge not be used to make money.",
    ),
    "tk_community_voice": (
        "La comunidad quiere participar en cómo se cuenta y se usa este conocimiento.",
        "The community wants a say in how this knowledge is told and used.",
    ),
    "tk_culturally_sensitive": (
        "El conocimiento es delicado para la comunidad: úselo con cuidado y consúltela.",
        "The knowledge is sensitive for the community: use it with care and ask them.",
    ),
    "tk_seasonal": (
        "El conocimiento se comparte o se usa solo en ciertas épocas del año.",
        "The knowledge is shared or used only at certain times of the year.",
    ),
    "tk_women_restricted": (
        "Según la comunidad, este conocimiento es solo para mujeres.",
        "According to the community, this knowledge is for women only.",
    ),
    "tk_men_restricted": (
        "Según la comunidad, este conocimiento es solo para hombres.",
        "According to the community, this knowledge is for men only.",
    ),
    "tk_secret_sacred": (
        "La comunidad considera este conocimiento secreto o sagrado y limita su acceso.",
        "The community holds this knowledge secret or sacred and limits access to it.",
    ),
    "tk_verified": (
        "La comunidad revisó cómo se presenta este conocimiento y está de acuerdo.",
        "The community has checked how this knowledge is presented and agrees with it.",
    ),
    "tk_non_verified": (
        "La comunidad aún no ha revisado cómo se presenta este conocimiento.",
        "The community has not yet checked how this knowledge is presented.",
    ),
    "bc_provenance": (
        "La comunidad indica que este material o conocimiento proviene de ella.",
        "The community states that this material or knowledge comes from it.",
    ),
    "bc_consent_verified": (
        "La comunidad dio su consentimiento para este uso, y ese consentimiento se comprobó.",
        "The community gave its consent for this use, and that consent was checked.",
    ),
    "bc_multiple_communities": (
        "Varias comunidades comparten la responsabilidad sobre este material o conocimiento.",
        "Several communities share responsibility for this material or knowledge.",
    ),
    "bc_research_use": (
        "La comunidad permite usar este material en investigación, en sus condiciones.",
        "The community allows this material to be used in research, on its terms.",
    ),
    "tk_notice": (
        "Aviso de que puede haber derechos de una comunidad sobre este conocimiento aunque aún no tenga etiquetas.",
        "A notice that a community may hold rights to this knowledge though it carries no labels yet.",
    ),
    "bc_notice": (
        "Aviso de que puede haber derechos de una comunidad sobre este material biocultural.",
        "A notice that a community may hold rights to this biocultural material.",
    ),
}

# code -> the short text on its badge, under the family's letters
SHORT = {
    "tk_attribution": "A",
    "tk_non_commercial": "NC",
    "tk_community_voice": "CV",
    "tk_culturally_sensitive": "CS",
    "tk_seasonal": "S",
    "tk_women_restricted": "W",
    "tk_men_restricted": "M",
    "tk_secret_sacred": "SS",
    "tk_verified": "V",
    "tk_non_verified": "NV",
    "bc_provenance": "P",
    "bc_consent_verified": "CV",
    "bc_multiple_communities": "MC",
    "bc_research_use": "R",
    "tk_notice": "TK",
    "bc_notice": "BC",
}
FAMILY_COLOURS = {"tk": palette.LABEL_TK, "bc": palette.LABEL_BC, "notice": palette.LABEL_NOTICE}


def family(code: str) -> str:
    """The label's family: "tk", "bc" or "notice"."""
    return "notice" if code.endswith("_notice") else code.split("_", 1)[0]


def description(code: str, lang: str) -> str:
    """What the label signals, in one sentence of `lang` (Spanish for a language without these sentences)."""
    return DESCRIPTIONS[code][LANGUAGES.index(lang) if lang in LANGUAGES else 0]


def badge_svg(code: str) -> str:
    """The atlas's own badge for `code`: a rounded square in its family's colour with its short code."""
    kind = family(code)
    top = "NOTICE" if kind == "notice" else kind.upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48" '
        f'role="img" aria-label="{escape(LABEL_NAMES[code][1])}">\n'
        f'  <rect x="1" y="1" width="46" height="46" rx="9" fill="{FAMILY_COLOURS[kind]}"/>\n'
        f'  <text x="24" y="18" font-family="sans-serif" font-size="{8 if kind == "notice" else 11}" '
        f'font-weight="bold" text-anchor="middle" fill="{palette.WHITE}">{top}</text>\n'
        f'  <text x="24" y="38" font-family="sans-serif" font-size="16" font-weight="bold" '
        f'text-anchor="middle" fill="{palette.WHITE}">{SHORT[code]}</text>\n'
        "</svg>\n"
    )


def badge_path(code: str) -> Path:
    """The shipped badge image of `code`."""
    return BADGES / f"{code}.svg"


def write_badges(folder: Path = BADGES) -> list[Path]:
    """(Re)write every badge file from `badge_svg`; the files are committed and served by the app."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code in LABEL_NAMES:
        path = folder / f"{code}.svg"
        path.write_text(badge_svg(code), encoding="utf-8")
        written.append(path)
    return written


def badge_data_uri(code: str) -> str:
    """The shipped badge as a data: address, so a card shows it with no request at all."""
    return "data:image/svg+xml;base64," + base64.b64encode(badge_path(code).read_bytes()).decode("ascii")


def collection_labels(metadata: dict[str, str]) -> tuple[str, ...]:
    """The labels that apply to the whole collection (store metadata `collection_labels`), known codes only."""
    given = (code.strip() for code in str(metadata.get(COLLECTION_KEY) or "").split(","))
    return tuple(dict.fromkeys(code for code in given if code in LABEL_NAMES))
