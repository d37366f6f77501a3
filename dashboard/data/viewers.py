"""Who is looking, and what of the store they may see: the public, a partner's reader, the committee.

Every record has a visibility (who may see it in full: everyone, the partner organisations, the
steering committee), a rule for everyone else (`withheld`: shown generalised, or not at all) and a
review status (only published records reach anyone outside the committee).

`viewed` turns the store into the store as one viewer may see it, once per load: records they may
not see are gone, and on the rest `consent_public` and `name_public` say what this viewer may see
exactly (a point, a name); a record seen generalised is tied to the area it is shown in instead of
its community (`privacy.generalised`), so no filter, search or count can single its community out.
Everything downstream (the map, figures, charts, exports, the brief) already shows a record without
those flags generalised and nameless, so nothing else needs to know who is looking; only a headline
of chosen districts hides its small counts (`summary.small.guarded`, through `seen_in_part`). The
committee sees the store as it is: its files keep the true flags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dashboard import auth
from dashboard.data.dataset import Dataset
from dashboard.data.privacy import generalised

ROLES = ("public", *auth.ROLES)
COMMITTEE = ("editor", "reviewer", "admin")  # the steering committee's people: every record, in full


class ViewerError(ValueError):
    """A role (or ROLE:PARTNER) that names no role, or a reader without a partner."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"unknown viewer {text!r}: one of {', '.join(ROLES)}, reader with :PARTNER")


@dataclass(frozen=True)
class Viewer:
    """A role, and for a reader the partner organisation (its `partner_id`) they read for."""

    role: str = "public"
    partner: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES or (self.role == "reader") != bool(self.partner):
            raise ViewerError(self.text)

    @classmethod
    def parse(cls, text: str) -> Viewer:
        """`public`, `editor`, `reviewer`, `admin` or `reader:PARTNER_ID`."""
        role, _, partner = text.strip().partition(":")
        try:
            return cls(role.strip().lower(), partner.strip() or None)
        except ViewerError:
            raise ViewerError(text) from None

    @property
    def text(self) -> str:
        return f"{self.role}:{self.partner}" if self.partner else self.role

    @property
    def committee(self) -> bool:
        return self.role in COMMITTEE

    def in_full(self, innovations) -> np.ndarray:
        """Which records this viewer may see exactly: point (and name, as `named` says)."""
        if self.committee:
            return np.ones(len(innovations), bool)
        visibility = innovations["visibility"].astype(str).to_numpy()
        consented = innovations["consent_public"].fillna(False).to_numpy(bool)
        public = (visibility == "public") & consented  # the innovator agreed to the public seeing it
        if self.role == "public":
            return public
        return public | (visibility == "partners") | self._own(innovations)

    def named(self, innovations) -> np.ndarray:
        """Whose innovator's name this viewer may read: of a record seen in full, where the innovator agreed
        to publish it, or a reader's own partner's."""
        if self.committee:
            return np.ones(len(innovations), bool)
        consent = innovations["consent_public"].fillna(False).to_numpy(bool)
        agreed = consent & innovations["name_public"].fillna(False).to_numpy(bool)
        return self.in_full(innovations) & (agreed | self._own(innovations))

    def shown(self, innovations) -> np.ndarray:
        """Which records this viewer sees at all: in full, or generalised where the record allows it."""
        if self.committee:
            return np.ones(len(innovations), bool)
        published = innovations["status"].astype(str).to_numpy() == "published"
        generalised = innovations["withheld"].astype(str).to_numpy() == "generalised"
        return published & (self.in_full(innovations) | generalised)

    def _own(self, innovations) -> np.ndarray:
        if self.role != "reader":
            return np.zeros(len(innovations), bool)
        return np.fromiter((self.partner in listed for listed in innovations["partners"]), bool, len(innovations))


PUBLIC = Viewer()
VIEWED_AS = "viewed_as"  # the metadata key of a store as `viewed` made it: the viewer, as text


def seen_in_part(data: Dataset) -> bool:
    """Whether `data` is the store as someone outside the committee may see it (made by `viewed`)."""
    return VIEWED_AS in data.metadata


def viewed(data: Dataset, viewer: Viewer) -> Dataset:
    """The store as `viewer` may see it (see the module's note); the committee's is the store itself."""
    if viewer.committee:
        return data
    innovations = data.innovations
    shown = viewer.shown(innovations)
    exact, named = viewer.in_full(innovations)[shown], viewer.named(innovations)[shown]  # named: seen in full too
    kept = innovations.iloc[np.flatnonzero(shown)].copy()
    kept["consent_public"], kept["name_public"] = exact, named
    kept.loc[~named, "innovator_name"] = None  # a name this viewer may not read never enters the session
    kept = generalised(kept, data.communities)  # what it may not see exactly is tied to an area, not a community
    # the bookkeeping (history, trash) holds old values of every record: it stays with the committee
    metadata = {**data.metadata, VIEWED_AS: viewer.text}
    return replace(data, innovations=kept.reset_index(drop=True), tables={}, metadata=metadata)
