"""List entries in the console: the queue, an entry's page and its steps, proposing, admin.

The subject is a natural person whose penalty came through the real importer, so that
every page can be scanned for the full ID number, which must never appear.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.records.factories import id_number, person_penalty, uscc
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core import audit
from xinyong.core.errors import Conflict
from xinyong.lists import entries
from xinyong.lists.models import CheckReceipt, CreditList, ListEntry, Scene
from xinyong.records.models import Batch, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("test:operator")
ID_NUMBER = id_number()  # 李四's, from person_penalty()
DOCUMENT = "人社罚〔2026〕7号"
LIST = "wage-arrears"  # decided by 省人社厅 (YN-RST)
QUEUE = reverse("console:entries")
PROPOSE = reverse("console:entry_propose")


@pytest.fixture
def person(loaded_pack) -> Subject:
    """李四, with one penalty reported by 省人社厅 through the importer."""
    batch = start_batch(
        Unit.objects.get(code="YN-RST"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.CLI,
        ACTOR,
    )
    cells = person_penalty(DOCUMENT, CF_JDRQ="2026-10-12", CF_YXQ="2027-10-12")
    result = Importer(batch, ACTOR, today=date(2026, 11, 27)).run([SourceRow(2, cells, cells)])
    assert result.accepted == 1, result.errors
    return Subject.objects.get(kind=Subject.Kind.PERSON)


@pytest.fixture
def company(loaded_pack) -> Subject:
    return create_subject(ACTOR, kind="organisation", name="昆明欠薪建筑有限公司", uscc=uscc())


@pytest.fixture
def clerk(loaded_pack):
    return make_user("clerk-rst", "YN-RST", Role.CLERK)


@pytest.fixture
def reviewer(loaded_pack):
    return make_user("reviewer-rst", "YN-RST", Role.REVIEWER)


@pytest.fixture
def other_clerk(loaded_pack):
    return make_user("clerk-gat", "YN-GAT", Role.CLERK)


def entry_url(entry: ListEntry, step: str | None = None) -> str:
    if step is None:
        return reverse("console:entry", args=[entry.reference])
    return reverse("console:entry_step", args=[entry.reference, step])


def proposed(subject: Subject, code: str = LIST, **kwargs) -> ListEntry:
    return entries.propose(
        code, subject, reasons="拖欠农民工工资，经责令仍不支付", actor=ACTOR, **kwargs
    )


def notified(subject: Subject, on: date | None = None) -> ListEntry:
    return entries.notify(proposed(subject), actor=ACTOR, on=on)


class Pages:
    """A client that keeps every page it was shown, to scan them all at the end."""

    def __init__(self, client, user) -> None:
        client.force_login(user)
        self.client = client
        self.html: list[str] = []

    def use(self, user) -> None:
        self.client.force_login(user)

    def get(self, url: str, status: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == status, url
        self.html.append(response.content.decode())
        return self.html[-1]

    def post(self, url: str, data: dict, status: int = 302) -> str:
        response = self.client.post(url, data, follow=status == 302)
        if status == 302:
            assert response.redirect_chain, response.content.decode()[:2000]
        else:
            assert response.status_code == status
        self.html.append(response.content.decode())
        return self.html[-1]


def test_an_entry_goes_through_due_process_in_the_console(client, person, clerk, reviewer):
    pages = Pages(client, clerk)
    form = pages.get(PROPOSE)
    assert "拖欠农民工工资失信联合惩戒对象名单" in form
    assert "失信被执行人名单" not in form  # a clerk proposes to their unit's lists only

    wage_list = CreditList.objects.get(code=LIST)
    page = pages.post(
        PROPOSE,
        {
            "credit_list": wage_list.pk,
            "subject_code": ID_NUMBER,
            "ground": "拖欠农民工工资数额达到刑事立案标准",
            "reasons": "拖欠 35 名农民工工资共 42 万元，经责令限期支付仍不支付。",
            "evidence": DOCUMENT,
        },
    )
    entry = ListEntry.objects.get()
    assert (entry.status, entry.unit.code, entry.subject_id) == ("proposed", "YN-RST", person.pk)
    assert [record.document_number for record in entry.evidence.all()] == [DOCUMENT]
    assert f"名单编号 {entry.reference}" in page  # the success message
    assert "告知当事人" in page and DOCUMENT in page and "5301**********" in page
    assert wage_list.basis_text in page and wage_list.exit_conditions[:20] in page  # the basis

    pages.post(entry_url(entry, "notify"), {"notified_on": ""})
    entry.refresh_from_db()
    assert entry.status == "notified" and entry.notified_on == timezone.localdate()
    page = pages.post(entry_url(entry, "defence"), {"defence": "已筹款，申请分期支付"})
    assert "已筹款，申请分期支付" in page

    # The clerk prepared the entry; the unit's reviewer decides it.
    pages.post(entry_url(entry, "decide"), {"outcome": "list"}, status=403)
    pages.use(reviewer)
    pages.post(entry_url(entry, "notify"), {}, status=403)
    pages.post(
        entry_url(entry, "decide"),
        {"outcome": "list", "document_number": "云人社失信〔2026〕3号", "ends_on": "", "note": ""},
    )
    entry.refresh_from_db()
    assert entry.status == "listed" and entry.document_number == "云人社失信〔2026〕3号"
    assert entry.starts_on == timezone.localdate() and entry.ends_on is not None  # 3 years
    pages.post(entry_url(entry, "publish"), {})
    page = pages.post(
        entry_url(entry, "exit"), {"reason": "repaired", "note": "已全额支付并作出信用承诺"}
    )
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason) == ("exited", "repaired")
    assert list(entry.events.values_list("action", flat=True)) == [
        "proposed",
        "notified",
        "defence",
        "listed",
        "published",
        "exited",
    ]
    assert "信用修复" in page and "已全额支付并作出信用承诺" in page
    assert 'id="step-' not in page  # an exited entry has no next step

    pages.get(QUEUE + "?status=all")
    assert all(ID_NUMBER not in html for html in pages.html)
    assert all("Traceback" not in html for html in pages.html)


def test_a_decision_before_the_defence_period_ends_is_refused_with_the_reason(
    client, company, reviewer
):
    entry = notified(company)
    client.force_login(reviewer)
    page = client.get(entry_url(entry)).content.decode()
    assert "期限届满或记录当事人的陈述申辩后方可作出决定" in page  # said before trying
    response = client.post(
        entry_url(entry, "decide"), {"outcome": "list", "document_number": "云人社失信〔2026〕4号"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"陈述申辩期限至{entry.defence_until.isoformat()}" in html
    assert "entry.defence_period_running" in html
    entry.refresh_from_db()
    assert entry.status == "notified" and entry.decided_on is None


def test_a_refusal_is_shown_in_the_pages_language(client, company, reviewer, settings):
    entry = notified(company)
    with pytest.raises(Conflict) as caught:
        entries.decide(entry, listed=True, actor=ACTOR)  # refused before anything changes
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        entry_url(entry, "decide"), {"outcome": "list", "document_number": "云人社失信〔2026〕4号"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'lang="en"' in html
    assert escape(caught.value.message_in("en")) in html


def test_the_decision_form_says_what_is_missing(client, company, reviewer):
    entry = notified(company, on=date(2026, 11, 2))
    client.force_login(reviewer)
    response = client.post(entry_url(entry, "decide"), {"outcome": "decline", "note": " "})
    assert response.status_code == 400
    assert "不予列入须写明理由" in response.content.decode()
    response = client.post(entry_url(entry, "decide"), {"outcome": "decline", "note": "证据不足"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "declined"
    assert entry.events.last().note == "证据不足"


def test_a_unit_user_cannot_see_or_act_on_another_units_entry(client, company, other_clerk, clerk):
    entry = proposed(company)
    client.force_login(other_clerk)
    assert client.get(entry_url(entry)).status_code == 404
    assert client.post(entry_url(entry, "notify"), {}).status_code == 404
    assert (
        client.post(entry_url(entry, "exit"), {"reason": "revoked", "note": "x"}).status_code == 404
    )
    assert entry.reference not in client.get(QUEUE + "?status=all").content.decode()
    entry.refresh_from_db()
    assert entry.status == "proposed"
    client.force_login(clerk)
    assert entry.reference in client.get(QUEUE).content.decode()


def test_an_auditor_of_the_unit_only_looks(client, company):
    auditor = make_user("auditor-rst", "YN-RST", Role.AUDITOR)
    entry = proposed(company)
    client.force_login(auditor)
    page = client.get(entry_url(entry)).content.decode()
    assert "您的角色不能进行这一步" in page
    assert client.post(entry_url(entry, "notify"), {}).status_code == 403
    assert client.get(PROPOSE).status_code == 403


def test_the_queue_flags_a_defence_period_that_has_run(client, clerk, loaded_pack):
    today = timezone.localdate()
    ran = notified(
        create_subject(ACTOR, kind="organisation", name="甲公司", uscc=uscc(body="11111111")),
        on=today - timedelta(days=30),
    )
    running = notified(
        create_subject(ACTOR, kind="organisation", name="乙公司", uscc=uscc(body="22222222"))
    )
    soon = notified(
        create_subject(ACTOR, kind="organisation", name="丙公司", uscc=uscc(body="33333333"))
    )
    ListEntry.objects.filter(pk=soon.pk).update(defence_until=today + timedelta(days=1))
    running.refresh_from_db()
    assert running.defence_until > today + timedelta(days=2)

    client.force_login(clerk)
    html = client.get(QUEUE).content.decode()
    rows = {entry.reference: _row(html, entry.reference) for entry in (ran, running, soon)}
    assert (
        'class="deadline-ended"' in rows[ran.reference]
        and "期限已届满，待作出决定" in rows[ran.reference]
    )
    assert 'class="deadline-soon"' in rows[soon.reference] and "即将届满" in rows[soon.reference]
    assert "deadline-" not in rows[running.reference]
    # The one whose period has run comes first: it is the one to decide now.
    assert html.index(ran.reference) < html.index(soon.reference) < html.index(running.reference)


def _row(html: str, reference: str) -> str:
    at = html.index(f">{reference}</a>")
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def test_the_queue_shows_what_waits_by_default_and_filters(client, clerk, company, person):
    waiting = proposed(company, origin="detection", origin_ref="wage-arrears-rule")
    decided = notified(person, on=date(2026, 11, 2))
    entries.decide(decided, listed=True, actor=ACTOR, document_number="云人社失信〔2026〕5号")
    client.force_login(clerk)
    html = client.get(QUEUE).content.decode()
    assert waiting.reference in html and decided.reference not in html
    assert "规则发现" in _row(html, waiting.reference)
    assert "wage-arrears-rule" in _row(html, waiting.reference)
    html = client.get(QUEUE + "?status=listed").content.decode()
    assert decided.reference in html and waiting.reference not in html
    row = _row(html, decided.reference)
    assert "5301**********" in row and ID_NUMBER not in html
    # An unknown filter value is ignored, not an error.
    assert client.get(QUEUE + "?credit_list=999999").status_code == 200


def test_an_operator_sees_every_units_entries(client, company, loaded_pack):
    operator = make_user("operator", "YN-FGW", Role.OPERATOR)
    on_other_list = proposed(company, code="judgment-defaulters")
    client.force_login(operator)
    unit = Unit.objects.get(code="YN-GY")
    html = client.get(QUEUE + f"?unit={unit.pk}").content.decode()
    assert on_other_list.reference in html


def test_a_proposal_with_an_error_never_shows_the_id_number_back(client, clerk, person):
    client.force_login(clerk)
    response = client.post(
        PROPOSE,
        {
            "credit_list": CreditList.objects.get(code=LIST).pk,
            "subject_code": ID_NUMBER,
            "reasons": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ID_NUMBER not in html and "5301**********" in html
    assert not ListEntry.objects.exists()


def test_a_proposal_for_an_unknown_subject_or_record_is_refused(client, clerk, person):
    client.force_login(clerk)
    wage_list = CreditList.objects.get(code=LIST)
    response = client.post(
        PROPOSE,
        {"credit_list": wage_list.pk, "subject_code": uscc(body="99999999"), "reasons": "欠薪"},
    )
    assert response.status_code == 400
    assert "平台中没有这个主体" in response.content.decode()
    response = client.post(
        PROPOSE,
        {
            "credit_list": wage_list.pk,
            "subject_code": ID_NUMBER,
            "reasons": "欠薪",
            "evidence": "不存在〔2026〕1号",
        },
    )
    assert response.status_code == 400
    assert "不存在〔2026〕1号" in response.content.decode()
    assert not ListEntry.objects.exists()


def test_a_second_proposal_is_refused_with_the_services_message(client, clerk, company):
    proposed(company)
    client.force_login(clerk)
    response = client.post(
        PROPOSE,
        {
            "credit_list": CreditList.objects.get(code=LIST).pk,
            "subject_code": company.uscc,
            "reasons": "欠薪",
        },
    )
    assert response.status_code == 400
    assert "entry.duplicate" in response.content.decode()
    assert ListEntry.objects.count() == 1


def test_a_minor_cannot_be_proposed(client, clerk, loaded_pack):
    born = (timezone.localdate() - timedelta(days=365 * 10)).strftime("%Y%m%d")
    minor = create_subject(ACTOR, kind="person", name="小明", id_number=id_number(born=born))
    client.force_login(clerk)
    response = client.post(
        PROPOSE,
        {
            "credit_list": CreditList.objects.get(code=LIST).pk,
            "subject_code": id_number(born=born),
            "reasons": "欠薪",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "entry.minor" in html and id_number(born=born) not in html
    assert not ListEntry.objects.filter(subject=minor).exists()


def test_the_admin_shows_entries_with_their_history_read_only(admin_client, person):
    entry = notified(person)
    page = admin_client.get(reverse("admin:lists_listentry_change", args=[entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert entry.reference in html and "告知当事人" in html and "5301**********" in html
    assert ID_NUMBER not in html
    assert admin_client.get(reverse("admin:lists_listentry_add")).status_code == 403
    changelist = admin_client.get(reverse("admin:lists_listentry_changelist"))
    assert changelist.status_code == 200 and ID_NUMBER not in changelist.content.decode()
    response = admin_client.post(
        reverse("admin:lists_listentry_change", args=[entry.pk]), {"status": "listed"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "notified"


def test_the_admin_shows_a_receipt_without_its_results(admin_client, loaded_pack):
    receipt = CheckReceipt.objects.create(
        created_at=timezone.now(),
        actor="user:1:checker",
        unit=Unit.objects.get(code="YN-RST"),
        purpose="招标投标资格审查",
        scene=Scene.objects.first(),
        subject_count=1,
        matched_count=1,
        listed_count=0,
        data_version="test",
        hits={},
        results=zlib.compress(b'{"secret": "results blob"}'),
    )
    page = admin_client.get(reverse("admin:lists_checkreceipt_change", args=[receipt.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and receipt.reference in html and "招标投标资格审查" in html
    assert "核查结果（压缩）" not in html
    assert admin_client.get(reverse("admin:lists_checkfeedback_changelist")).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_decides_an_entry_on_a_phone(live_server, chromium, person):
    from tests.browser import ARTIFACTS, screenshot
    from tests.staff import PASSWORD

    make_user("reviewer-rst", "YN-RST", Role.REVIEWER)
    entry = notified(person, on=date(2026, 11, 2))
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    widths = {}
    try:
        page.goto(live_server.url + QUEUE)
        page.get_by_label("用户名").fill("reviewer-rst")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + QUEUE)
        widths["queue"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-entries")
        page.get_by_role("link", name=entry.reference).click()
        widths["entry"] = page.evaluate("document.documentElement.scrollWidth")
        page.get_by_label("认定列入").check()
        page.get_by_label("认定文书号").fill("云人社失信〔2026〕9号")
        page.locator("#step-decide").screenshot(path=str(ARTIFACTS / "console-375px-decide.png"))
        page.get_by_role("button", name="作出决定").click()
        page.get_by_text(f"已对名单条目 {entry.reference} 作出决定").wait_for()
        widths["listed"] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "console-375px-entry")
        html = page.content()
    finally:
        context.close()
    assert all(width <= 375 for width in widths.values()), widths
    assert ID_NUMBER not in html
    entry.refresh_from_db()
    assert entry.status == "listed"
