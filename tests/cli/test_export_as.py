"""Who takes away what: every role, every export, on a store whose records are built to tell them apart."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.data import demo, store
from dashboard.data.viewers import Viewer, ViewerError, viewed

# Six records, each with a name no other text contains, and what each viewer may see of it:
# "full" (exact point, name), "general" (generalised, nameless), or absent.
CASES = {
    # id: (visibility, withheld, status, consent_public, name_public, partner)
    "INN-000001": ("public", "generalised", "published", True, True, "cedap"),
    "INN-000002": ("partners", "generalised", "published", True, True, "aba"),
    "INN-000003": ("committee", "generalised", "published", True, True, "cedap"),
    "INN-000004": ("committee", "hidden", "published", True, True, "aba"),
    "INN-000005": ("public", "generalised", "draft", True, True, "cedap"),
    "INN-000006": ("public", "generalised", "withdrawn", True, True, "cedap"),
}
SEEN = {  # viewer -> id -> what they see of it
    "public": {"INN-000001": "full", "INN-000002": "general", "INN-000003": "general"},
    "reader:cedap": {"INN-000001": "full", "INN-000002": "full", "INN-000003": "full"},
    "reader:aba": {"INN-000001": "full", "INN-000002": "full", "INN-000003": "general", "INN-000004": "full"},
    **{role: dict.fromkeys(CASES, "full") for role in ("editor", "reviewer", "admin")},
}


def _name(code: str) -> str:
    return f"Persona Zq{code[-1]}x"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = demo.build(30, seed=5)
    innovations = data.innovations.copy()
    for code, (visibility, withheld, status, consent, named, partner) in CASES.items():
        row = innovations.index[innovations["innovation_id"] == code][0]
        innovations.loc[row, ["visibility", "withheld", "status"]] = [visibility, withheld, status]
        innovations.loc[row, ["consent_public", "name_public"]] = [consent, named]
        innovations.loc[row, "innovator_name"] = _name(code)
        innovations.at[row, "partners"] = [partner]
    data = type(data)(data.partners, data.communities, innovations, data.metadata)
    path = tmp_path_factory.mktemp("roles") / "atlas.gpkg"
    store.write(data, path)
    return path, store.load(path)


def _export(path, tmp_path, code: str, viewer: str) -> str:
    out = tmp_path / f"{viewer.replace(':', '-')}.{code}"
    result = CliRunner().invoke(main, ["export", code, "--out", str(out), "--store", str(path), "--as", viewer])
    assert result.exit_code == 0, result.output
    return out.read_bytes().decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("viewer", list(SEEN))
def test_each_role_takes_away_exactly_what_it_may_see(built, tmp_path, viewer):
    path, data = built
    exact = data.innovations.set_index("innovation_id").geometry
    communities = data.communities.set_index("community_id").geometry
    features = json.loads(_export(path, tmp_path, "geojson", viewer))["features"]
    shown = {f["properties"]["innovation_id"]: f for f in features}
    csv = _export(path, tmp_path, "csv", viewer)
    for code, seen in SEEN[viewer].items():
        assert code in shown and code in csv, f"{viewer} should see {code}"
        point = tuple(shown[code]["geometry"]["coordinates"])
        record = data.innovations.set_index("innovation_id").loc[code]
        own = exact[code] if exact[code] is not None else communities[record["community_id"]]
        at_exact_point = point == pytest.approx((own.x, own.y), abs=1e-6)
        assert at_exact_point == (seen == "full"), f"{viewer} sees {code} {seen}, point {point}"
        assert (_name(code) in csv) == (seen == "full"), f"{viewer}: name of {code}"
    for code in set(CASES) - set(SEEN[viewer]):
        assert code not in shown and code not in csv and _name(code) not in csv, f"{viewer} must not see {code}"


@pytest.mark.parametrize("viewer", ["editor", "reader:aba"])
@pytest.mark.parametrize("code", ["html", "pdf"])
def test_what_is_handed_out_is_what_the_public_may_see_whoever_makes_it(built, tmp_path, viewer, code):
    from pypdf import PdfReader

    path, _ = built
    out = tmp_path / f"handout.{code}"
    result = CliRunner().invoke(main, ["export", code, "--out", str(out), "--store", str(path), "--as", viewer])
    assert result.exit_code == 0, result.output
    text = (
        "\n".join(page.extract_text() for page in PdfReader(out).pages)
        if code == "pdf"
        else out.read_text(encoding="utf-8")
    )
    for case in set(CASES) - {"INN-000001"}:  # only the public record's name may travel
        assert _name(case) not in text, f"a handout made as {viewer} names {case}"


def test_an_unknown_role_is_refused_naming_the_roles(built, tmp_path):
    path, _ = built
    result = CliRunner().invoke(
        main, ["export", "csv", "--out", str(tmp_path / "x.csv"), "--store", str(path), "--as", "jefe"]
    )
    assert result.exit_code != 0 and "jefe" in result.output and "reader:SOCIO" in result.output
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(ViewerError):
        Viewer.parse("reader")  # a reader reads for a partner


def test_the_committee_keeps_the_true_consent_and_the_public_gets_no_one_elses_name(built):
    _, data = built
    assert viewed(data, Viewer("editor")) is data  # nothing rewritten: its files keep the true flags
    public = viewed(data, Viewer())
    assert public.tables == {}  # history and trash hold old values of every record
    assert set(public.innovations["innovator_name"].dropna()) <= {_name("INN-000001")} | set(
        data.innovations.loc[
            data.innovations["consent_public"]
            & data.innovations["name_public"]
            & (data.innovations["visibility"] == "public"),
            "innovator_name",
        ]
    )
