"""Editor access: editors from secrets, password sign-in, throttling and the OIDC allow-list."""

import tomllib

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from dashboard import auth
from dashboard.auth import Editor, SecretsError, Throttle, TooManyAttempts, editor_from_oidc, editors_from, verify
from dashboard.i18n import t
from dashboard.paths import ROOT

PASSWORD = "quinua-de-altura"
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example/.well-known",
}


@pytest.fixture(scope="module", autouse=True)
def cheap_hashing():
    """Argon2 with tiny costs: the same code paths in milliseconds (the app keeps argon2's defaults)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        auth._dummy_hash.cache_clear()
        yield
    auth._dummy_hash.cache_clear()


@pytest.fixture(scope="module")
def password_hash(cheap_hashing) -> str:
    return auth.hash_password(PASSWORD)


@pytest.fixture
def editors(password_hash) -> dict[str, Editor]:
    return editors_from(
        {
            "editors": {
                "Ana": {"name": "Ana Quispe", "password_hash": password_hash},
                "luis": {"name": "Luis Huamán", "email": "Luis@Example.org"},
            }
        }
    )


def test_the_right_password_signs_in_case_insensitively(editors):
    editor = verify(editors, " ANA ", PASSWORD, Throttle(), now=0)
    assert editor == editors["ana"]
    assert editor.name == "Ana Quispe"
    assert PASSWORD not in repr(editor) and "argon2" not in repr(editor)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ana", "quinua-de-bajura"),  # wrong password
        ("ana", ""),
        ("nadie", PASSWORD),  # unknown user
        ("luis", PASSWORD),  # an editor without a password signs in through OIDC only
    ],
)
def test_a_wrong_sign_in_fails(editors, username, password):
    assert verify(editors, username, password, Throttle(), now=0) is None


def test_an_unknown_user_is_checked_against_the_dummy_hash(editors, monkeypatch):
    checked, dummy = [], auth._dummy_hash()

    class Spy:
        def verify(self, stored, password):
            checked.append(stored)
            return real.verify(stored, password)

    real = auth._HASHER
    monkeypatch.setattr(auth, "_HASHER", Spy())
    assert verify(editors, "nadie", PASSWORD, Throttle(), now=0) is None
    assert checked == [dummy]
    assert dummy.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("secrets", "key", "reason"),
    [
        ({"editors": "ana"}, "editors", "not_table"),
        ({"editors": {"ana": "secreto"}}, "editors.ana", "not_table"),
        ({"editors": {"ana": {"name": "Ana", "password": "x"}}}, "editors.ana.password", "unknown_key"),
        ({"editors": {"ana": {"name": "Ana"}}}, "editors.ana", "no_credential"),
        ({"editors": {"ana": {"email": "ana@example.org"}}}, "editors.ana.name", "not_text"),
        ({"editors": {"ana": {"name": " ", "email": "ana@example.org"}}}, "editors.ana.name", "not_text"),
        ({"editors": {"ana": {"name": "Ana", "password_hash": "hunter2"}}}, "editors.ana.password_hash", "bad_hash"),
        ({"editors": {"ana": {"name": "Ana", "password_hash": 42}}}, "editors.ana.password_hash", "not_text"),
        ({"editors": {"ana": {"name": "Ana", "email": "ana"}}}, "editors.ana.email", "bad_email"),
        ({"editors": {"ana maría": {"name": "Ana", "email": "ana@example.org"}}}, "editors.ana maría", "bad_username"),
        (
            {
                "editors": {
                    "ana": {"name": "Ana", "email": "a@example.org"},
                    "ANA": {"name": "Ana", "email": "b@example.org"},
                }
            },
            "editors.ANA",
            "duplicate",
        ),
        (
            {
                "editors": {
                    "ana": {"name": "Ana", "email": "a@example.org"},
                    "eva": {"name": "Eva", "email": "A@example.org"},
                }
            },
            "editors.eva",
            "duplicate",
        ),
    ],
)
def test_malformed_secrets_name_the_bad_key(secrets, key, reason):
    with pytest.raises(SecretsError) as caught:
        editors_from(secrets)
    assert (caught.value.key, caught.value.reason) == (key, reason)
    assert f"«{key}»" in str(caught.value)
    assert f"“{key}”" in caught.value.message("en")


def test_no_editors_table_means_no_editors():
    assert editors_from({}) == {}
    assert not auth.editing_enabled({})


def test_the_example_secrets_parse_and_describe_one_editor():
    with (ROOT / ".streamlit" / "secrets.example.toml").open("rb") as handle:
        example = tomllib.load(handle)
    editors = editors_from(example)
    assert list(editors) == ["ana"]
    assert editors["ana"].email == "ana@example.org"
    assert auth.editing_enabled(example)
    assert not auth.oidc_configured(example)  # commented out
    assert verify(editors, "ana", "EJEMPLO", Throttle(), now=0) is None  # the fake hash matches nothing


def test_the_throttle_locks_after_the_limit_and_unlocks_after_the_lock():
    throttle = Throttle(limit=3, lock=60, window=600)
    for now in (0, 1):
        throttle.record_failure("ana", now)
        assert throttle.check("ana", now) == 0
    throttle.record_failure("ana", 2)
    assert throttle.check("ana", 2) == 60
    assert throttle.check("ana", 32) == 30
    assert throttle.check("luis", 32) == 0
    assert throttle.check("ana", 62) == 0


def test_each_lockout_doubles_up_to_the_cap_and_a_quiet_window_forgives():
    throttle = Throttle(limit=2, lock=60, window=600, max_lock=200)
    waits, now = [], 0.0
    for _ in range(4):
        throttle.record_failure("ana", now)
        throttle.record_failure("ana", now)
        waits.append(throttle.check("ana", now))
        now += waits[-1]
    assert waits == [60, 120, 200, 200]
    throttle.record_failure("ana", now + 601)
    throttle.record_failure("ana", now + 601)
    assert throttle.check("ana", now + 601) == 60


def test_a_success_resets_the_failures():
    throttle = Throttle(limit=2)
    throttle.record_failure("ana", 0)
    throttle.record_success("ana")
    throttle.record_failure("ana", 1)
    assert throttle.check("ana", 1) == 0


def test_the_throttle_uses_its_clock_when_no_time_is_given():
    clock = iter([0.0, 0.0, 10.0])
    throttle = Throttle(limit=1, lock=60, clock=lambda: next(clock))
    throttle.record_failure("ana")
    assert throttle.check("ana") == 60
    assert throttle.check("ana") == 50


class Sleeps(list):
    """A stand-in for time.sleep that records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_an_attacker_is_locked_out_but_the_editor_on_another_client_signs_in(editors):
    throttle, attacker, editor = Throttle(limit=5, lock=60), Sleeps(), Sleeps()
    for now in range(5):  # client A guesses Ana's password
        assert verify(editors, "ana", f"intento-{now}", throttle, now=now, client="10.0.0.66", sleep=attacker) is None
    with pytest.raises(TooManyAttempts) as caught:  # A is refused, even with the right password ...
        verify(editors, "ana", PASSWORD, throttle, now=5, client="10.0.0.66", sleep=attacker)
    message = t("auth.throttled", "es", seconds=caught.value.seconds)
    assert caught.value.seconds == 59 and "59 s" in message  # ... and told when to try again
    # Ana, from her own machine, with her password: slowed down, never refused
    assert verify(editors, "ana", PASSWORD, throttle, now=6, client="192.168.1.20", sleep=editor) == editors["ana"]
    assert 0 < sum(editor) <= throttle.max_delay
    assert verify(editors, "ana", PASSWORD, throttle, now=66, client="10.0.0.66", sleep=attacker) == editors["ana"]


def test_guesses_from_many_clients_are_slowed_down_per_user_never_refused(editors):
    throttle, sleeps = Throttle(limit=3, lock=60, delay=1, max_delay=8), Sleeps()
    for n in range(8):  # a botnet: one guess from each address
        assert verify(editors, "ana", "mal", throttle, now=n, client=f"10.0.1.{n}", sleep=sleeps) is None
    assert sleeps == [1, 2, 4, 8, 8]  # from the limit on, each attempt waits longer, up to the cap
    assert verify(editors, "ana", PASSWORD, throttle, now=9, client="192.168.1.20", sleep=sleeps) == editors["ana"]
    assert sleeps[-1] == 8
    assert verify(editors, "ana", "mal", throttle, now=10, client="10.0.1.99", sleep=sleeps) is None
    assert sleeps[-1] == 8  # a success does not forgive the guesses: Ana's password is not the attacker's


def test_without_a_client_address_sign_in_is_only_slowed_down(editors):
    # behind a proxy on the same machine every browser comes from "no address": refusing would lock Ana out
    throttle, sleeps = Throttle(limit=2, lock=60, delay=1, max_delay=4), Sleeps()
    for now in range(6):
        assert verify(editors, "ana", "mal", throttle, now=now, sleep=sleeps) is None
    assert verify(editors, "ana", PASSWORD, throttle, now=6, sleep=sleeps) == editors["ana"]
    assert sleeps == [1, 2, 4, 4, 4]


def test_a_user_with_few_failures_is_not_slowed_down(editors):
    throttle, sleeps = Throttle(limit=3), Sleeps()
    verify(editors, "ana", "mal", throttle, now=0, client="10.0.0.7", sleep=sleeps)
    assert verify(editors, "ana", PASSWORD, throttle, now=1, client="10.0.0.7", sleep=sleeps) == editors["ana"]
    assert sleeps == []


def test_verify_throttles_one_client_trying_many_usernames(editors):
    throttle = Throttle(limit=2, lock=60)
    verify(editors, "eva", "x", throttle, now=0, client="10.0.0.7")
    verify(editors, "raúl", "x", throttle, now=1, client="10.0.0.7")
    with pytest.raises(TooManyAttempts):
        verify(editors, "ana", PASSWORD, throttle, now=2, client="10.0.0.7")
    assert verify(editors, "ana", PASSWORD, throttle, now=2, client="10.0.0.8") == editors["ana"]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"is_logged_in": True, "email": "luis@example.org", "email_verified": True}, "luis"),
        ({"is_logged_in": True, "email": " LUIS@example.org ", "email_verified": "true"}, "luis"),
        ({"is_logged_in": True, "email": "luis@example.org"}, "luis"),  # Microsoft Entra sends no email_verified
        ({"is_logged_in": True, "email": "luis@example.org", "email_verified": False}, None),
        ({"is_logged_in": True, "email": "luis@example.org", "email_verified": "false"}, None),
        ({"is_logged_in": True, "email": "otra@example.org", "email_verified": True}, None),
        ({"is_logged_in": True, "email_verified": True}, None),
        ({"is_logged_in": False, "email": "luis@example.org", "email_verified": True}, None),
        ({}, None),
    ],
)
def test_oidc_editors_come_from_the_email_allow_list(user, expected):
    secrets = {"auth": OIDC, "editors": {"luis": {"name": "Luis Huamán", "email": "luis@example.org"}}}
    editor = editor_from_oidc(user, secrets)
    assert (editor.username if editor else None) == expected


def test_oidc_users_are_refused_when_oidc_is_not_configured():
    secrets = {"editors": {"luis": {"name": "Luis Huamán", "email": "luis@example.org"}}}
    assert editor_from_oidc({"is_logged_in": True, "email": "luis@example.org"}, secrets) is None
    assert not auth.editing_enabled(secrets)  # an email alone needs OIDC
    assert auth.editing_enabled({**secrets, "auth": OIDC})


@pytest.mark.parametrize(
    ("section", "providers"),
    [
        (OIDC, ("default",)),
        ({k: v for k, v in OIDC.items() if k != "cookie_secret"}, ()),
        ({k: v for k, v in OIDC.items() if k != "client_secret"}, ()),
        (
            {"redirect_uri": "r", "cookie_secret": "c", "google": OIDC, "my_idp": OIDC, "okta": {"client_id": "x"}},
            ("google",),
        ),
        ("not a table", ()),
    ],
)
def test_oidc_providers_are_those_st_login_can_use(section, providers):
    assert auth.oidc_providers({"auth": section}) == providers
    assert auth.oidc_configured({"auth": section}) == bool(providers)


def test_the_command_prints_a_hash_that_verifies():
    result = CliRunner().invoke(auth.hash_password_command, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith('password_hash = "$argon2id$')
    secrets = tomllib.loads(f"[editors.ana]\nname = 'Ana'\n{line}\n")
    assert verify(editors_from(secrets), "ana", PASSWORD, Throttle(), now=0) is not None


def test_the_command_refuses_a_short_password():
    result = CliRunner().invoke(auth.hash_password_command, input="corta\ncorta\n")
    assert result.exit_code != 0
    assert "10" in result.output
