"""Operations on units and subjects; views, the API and commands call these."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.errors import InvalidInput, NotFound, PermissionDenied
from xinyong.subjects import identifiers
from xinyong.subjects.models import Region, Subject, Unit

ID_CONTEXT = "subject.id_number"


def find_unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip(), active=True).select_related("region").first()
    if unit is None:
        raise NotFound("unit.unknown", _("没有代码为 %(code)s 的有效单位"), params={"code": code})
    return unit


def region_for_code(division: str) -> Region | None:
    """The region a six-digit division code belongs to, also under a former code."""
    region = Region.objects.filter(code=division).first()
    if region is not None:
        return region
    # Former codes are few (a county renamed or upgraded), so scanning them is cheap;
    # bulk imports build their own map instead of calling this per row.
    for candidate in Region.objects.exclude(former_codes=[]):
        if division in candidate.former_codes:
            return candidate
    return None


def id_number_index(id_number: str) -> str:
    return pii.blind_index(identifiers.check_id_number(id_number), ID_CONTEXT)


def find_subject(code: str) -> Subject | None:
    """Find a subject by USCC or resident ID number, as a clerk would type either."""
    normalised = identifiers.normalize(code)
    if len(normalised) == 18 and not normalised[:17].isdigit():
        return Subject.objects.filter(uscc=identifiers.check_uscc(normalised)).first()
    try:
        index = id_number_index(normalised)
    except identifiers.IdentifierError:
        return Subject.objects.filter(uscc=identifiers.check_uscc(normalised)).first()
    return Subject.objects.filter(id_number_index=index).first()


def create_subject(
    actor: audit.Actor,
    *,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_number: str | None = None,
    region: Region | None = None,
    legal_representative: str = "",
) -> Subject:
    """Create a subject after checking its identifiers fit its kind."""
    if not name.strip():
        raise InvalidInput("subject.name", _("主体名称不能为空"), field="name")
    subject = Subject(
        kind=kind,
        name=name.strip(),
        region=region,
        legal_representative=legal_representative.strip(),
    )
    if kind == Subject.Kind.PERSON:
        if uscc:
            raise InvalidInput(
                "subject.kind_mismatch", _("自然人不应有统一社会信用代码"), field="uscc"
            )
        if not id_number:
            raise InvalidInput(
                "subject.id_required", _("自然人须有身份证件号码"), field="id_number"
            )
        _set_id_number(subject, id_number)
    else:
        if not uscc:
            raise InvalidInput(
                "subject.uscc_required", _("组织和个体工商户须有统一社会信用代码"), field="uscc"
            )
        subject.uscc = identifiers.check_uscc(uscc)
        subject.region = subject.region or region_for_code(subject.uscc[2:8])
    with transaction.atomic():
        subject.save()
        audit.record(
            "xinyong.subject.created",
            actor,
            subject,
            {"kind": kind, "name": subject.name, "code": subject.display_code},
        )
    return subject


def _set_id_number(subject: Subject, id_number: str) -> None:
    number = identifiers.check_id_number(id_number)
    sealed = pii.seal(number, ID_CONTEXT)
    subject.id_number_enc = sealed.ciphertext
    subject.id_number_index = sealed.blind_index
    subject.id_number_masked = sealed.masked
    subject.region = subject.region or region_for_code(number[:6])


def reveal_id_number(subject: Subject, user: object, purpose: str) -> str:
    """The full ID number, for a user with the permission and a stated purpose; audited."""
    if not getattr(user, "has_perm", lambda _perm: False)("subjects.reveal_id_number"):
        raise PermissionDenied("subject.reveal_denied", _("无权查看完整身份证件号码"))
    if len(purpose.strip()) < 4:
        raise InvalidInput(
            "subject.reveal_purpose", _("查看完整身份证件号码须说明用途"), field="purpose"
        )
    if not subject.id_number_enc:
        raise NotFound("subject.no_id_number", _("该主体没有身份证件号码"))
    audit.record(
        "xinyong.subject.id_revealed",
        audit.Actor.for_user(user),
        subject,
        {"purpose": purpose.strip()},
    )
    return pii.decrypt(subject.id_number_enc, ID_CONTEXT)
