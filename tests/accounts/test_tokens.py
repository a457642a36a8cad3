from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xinyong.accounts import tokens
from xinyong.accounts.models import ApiToken
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_stores_only_the_digest_of_a_new_token(unit_a):
    token, secret = tokens.create_token(unit_a.code, ["records:write"], Actor.cli())
    assert secret.startswith(f"xy_{token.prefix}_")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = ApiToken.objects.values_list("prefix", "digest", "name", "created_by")
    assert all(secret not in str(row) for row in stored)


def test_it_authenticates_a_token_and_records_when_it_was_used(unit_a):
    token, secret = tokens.create_token(unit_a.code, ["records:read"], Actor.cli())
    assert tokens.authenticate(secret) == token
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert tokens.authenticate(secret + "x") is None


def test_a_revoked_token_no_longer_authenticates(unit_a):
    token, secret = tokens.create_token(unit_a.code, ["records:read"], Actor.cli())
    tokens.revoke_token(token.prefix, Actor.cli())
    assert tokens.authenticate(secret) is None
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["xinyong.token.created", "xinyong.token.revoked"]


def test_it_refuses_an_unknown_scope_or_unit(unit_a):
    with pytest.raises(InvalidInput) as error:
        tokens.create_token(unit_a.code, ["records:delete"], Actor.cli())
    assert error.value.code == "token.scope"
    with pytest.raises(NotFound) as missing:
        tokens.create_token("NO-SUCH-UNIT", ["records:read"], Actor.cli())
    assert missing.value.code == "unit.unknown"


def test_the_command_prints_the_token_once_on_its_first_line(unit_a):
    out, err = StringIO(), StringIO()
    call_command(
        "token",
        "create",
        "--unit",
        unit_a.code,
        "--scope",
        "records:write",
        "records:read",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    assert tokens.authenticate(secret).scopes == ["records:read", "records:write"]
    assert secret not in err.getvalue()
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert secret not in listing.getvalue() and unit_a.code in listing.getvalue()


def test_the_command_explains_an_unknown_unit_in_both_languages():
    with pytest.raises(CommandError, match=r"unit\.unknown: .* / .*NO-SUCH"):
        call_command("token", "create", "--unit", "NO-SUCH", "--scope", "records:read")
