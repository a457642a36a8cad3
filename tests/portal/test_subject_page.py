"""The subject page: basic information, tabs in 信用中国's groups, and what stays hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.portal import pipeline
from xinyong.records.models import CreditRecord, RecordType

pytestmark = pytest.mark.django_db
COMPANY_URL = f"/subjects/{pipeline.COMPANY}/"


@pytest.fixture
def company(loaded_pack):
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty("昆市监罚〔2026〕11号", CF_JDRQ=pipeline.days_ago(10)),
            pipeline.company_penalty("昆市监罚〔2026〕12号", CF_JDRQ=pipeline.days_ago(50)),
        ],
    )
    pipeline.run(
        "license", [pipeline.licence("昆市监许〔2026〕7号", XK_XDR_SHXYM=pipeline.COMPANY)]
    )


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_shows_the_basic_information_of_an_organisation(client, company):
    html = _html(client, COMPANY_URL)
    assert "昆明鑫瑞商贸有限公司" in html and pipeline.COMPANY in html
    assert "法人及非法人组织" in html and "张三" in html and "存续" in html
    assert "昆明市五华区" in html


def test_tabs_show_counts_and_the_first_tab_with_records(client, company):
    html = _html(client, COMPANY_URL)
    assert 'href="?tab=licensing#records" aria-current="page"' in html
    assert '行政许可 <span class="count">1</span>' in html
    assert '行政处罚 <span class="count">2</span>' in html
    assert '守信激励 <span class="count">0</span>' in html
    assert "食品经营许可证" in html and "昆市监罚〔2026〕11号" not in html


def test_a_tab_is_chosen_by_a_link_without_javascript(client, company):
    html = _html(client, COMPANY_URL + "?tab=penalty")
    assert 'href="?tab=penalty#records" aria-current="page"' in html
    assert "昆市监罚〔2026〕11号" in html and "昆市监罚〔2026〕12号" in html
    assert html.index("昆市监罚〔2026〕11号") < html.index("昆市监罚〔2026〕12号")  # newest first
    assert "食品经营许可证" not in html


def test_a_penalty_shows_its_source_unit_dates_and_key_fields(client, company):
    html = _html(client, COMPANY_URL + "?tab=penalty")
    record = pipeline.record("昆市监罚〔2026〕11号")
    assert "云南省工商行政管理局" in html  # the reporting unit
    assert record.decision_date.isoformat() in html
    assert record.publicity_end is not None and record.publicity_end.isoformat() in html
    for label, value in [("处罚类别", "罚款"), ("处罚内容", "罚款人民币贰仟元整")]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html
    assert "<dt>罚款金额（万元）</dt><dd>0.2</dd>" in html
    assert "<dt>处罚机关</dt><dd>昆明市市场监督管理局</dd>" in html
    assert "违法事实" not in html  # long text stays in the decision, not on the card


def test_a_licence_shows_its_name_content_and_validity(client, loaded_pack):
    pipeline.run("license", [pipeline.licence("许〔2026〕1号", XK_YXQZI="2099-12-31")])
    html = _html(client, f"/subjects/{pipeline.PHARMACY}/?tab=licensing")
    assert "<dt>许可证书名称</dt><dd>食品经营许可证</dd>" in html
    assert "<dt>许可内容</dt><dd>预包装食品销售（含冷藏冷冻食品）</dd>" in html
    assert "<dt>有效期至</dt><dd>长期</dd>" in html  # 2099-12-31 means indefinite


def test_a_lowercase_uscc_redirects_to_the_upper_case_address(client, company):
    response = client.get(f"/subjects/{pipeline.COMPANY.lower()}/?tab=penalty")
    assert response.status_code == 301
    assert response["Location"] == COMPANY_URL + "?tab=penalty"


def test_an_organisation_found_by_public_id_redirects_to_its_uscc(client, company):
    public_id = pipeline.record("昆市监罚〔2026〕11号").subject.public_id
    response = client.get(f"/subjects/{public_id}/")
    assert (response.status_code, response["Location"]) == (301, COMPANY_URL)


def test_a_person_is_found_by_public_id_with_a_masked_id_number(client, loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    person = pipeline.person()
    html = _html(client, f"/subjects/{person.public_id}/")
    assert "李四" in html and person.id_number_masked in html
    assert pipeline.PERSON_ID not in html
    assert "法定代表人" not in html


@pytest.mark.parametrize("case", [str, str.lower])
def test_an_id_number_in_the_address_finds_nothing(client, loaded_pack, case):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    response = client.get(f"/subjects/{case(pipeline.PERSON_ID)}/")
    assert response.status_code == 404
    assert "李四" not in response.content.decode()


def test_a_person_without_public_records_has_no_page(client, loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty()])
    RecordType.objects.filter(code="penalty").update(public_for_persons=False)
    response = client.get(f"/subjects/{pipeline.person().public_id}/")
    assert response.status_code == 404
    assert "李四" not in response.content.decode()


def test_an_unknown_code_is_a_friendly_404(client, loaded_pack):
    response = client.get("/subjects/91530000000000000X/")
    assert response.status_code == 404
    assert "未找到该主体" in response.content.decode()


def test_a_revoked_penalty_is_absent(client, company):
    pipeline.set_status("昆市监罚〔2026〕11号", CreditRecord.Status.REVOKED)
    html = _html(client, COMPANY_URL + "?tab=penalty")
    assert "昆市监罚〔2026〕11号" not in html and "昆市监罚〔2026〕12号" in html
    assert '行政处罚 <span class="count">1</span>' in html


def test_an_expired_penalty_is_absent_the_day_after_its_window(client, company):
    yesterday = pipeline.today() - timedelta(days=1)
    CreditRecord.objects.filter(document_number="昆市监罚〔2026〕11号").update(
        publicity_end=yesterday
    )
    CreditRecord.objects.filter(document_number="昆市监罚〔2026〕12号").update(
        publicity_end=pipeline.today()
    )
    html = _html(client, COMPANY_URL + "?tab=penalty")
    assert "昆市监罚〔2026〕11号" not in html and "昆市监罚〔2026〕12号" in html


def test_a_disputed_record_is_marked(client, company):
    pipeline.set_status("昆市监罚〔2026〕12号", CreditRecord.Status.DISPUTED)
    html = _html(client, COMPANY_URL + "?tab=penalty")
    assert html.count("异议处理中") == 1
    assert html.index("昆市监罚〔2026〕12号") > html.index("异议处理中")


def test_qualification_and_risk_records_are_counted_under_other(client, company):
    RecordType.objects.filter(code="penalty").update(category=RecordType.Category.RISK)
    RecordType.objects.filter(code="license").update(category=RecordType.Category.QUALIFICATION)
    html = _html(client, COMPANY_URL + "?tab=other")
    assert '其他 <span class="count">3</span>' in html
    assert '行政处罚 <span class="count">0</span>' in html
    assert "昆市监罚〔2026〕11号" in html and "食品经营许可证" in html


def test_a_bad_page_number_is_a_message_not_an_error(client, company):
    response = client.get(COMPANY_URL + "?tab=penalty&page=abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert "页码“abc”无效" in html and 'lang="en"' in html


@pytest.mark.parametrize("one_query_limit", [100, 1])
def test_a_subject_with_many_records_pages_them_the_same_way(
    client, company, monkeypatch, one_query_limit
):
    # Few records are read in one query; more than the limit take the counting path.
    from xinyong.portal import subject_views

    monkeypatch.setattr(subject_views, "ONE_QUERY_RECORDS", one_query_limit)
    monkeypatch.setattr(subject_views, "RECORDS_PER_PAGE", 1)
    first = _html(client, COMPANY_URL + "?tab=penalty")
    second = _html(client, COMPANY_URL + "?tab=penalty&page=2")
    assert '行政处罚 <span class="count">2</span>' in first
    assert "昆市监罚〔2026〕11号" in first and "昆市监罚〔2026〕12号" not in first
    assert "昆市监罚〔2026〕12号" in second and "昆市监罚〔2026〕11号" not in second
    assert client.get(COMPANY_URL + "?tab=penalty&page=3").status_code == 404
