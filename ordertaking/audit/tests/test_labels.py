"""P6.1.a: the trail is readable: each action has a translated label, each event lists what it changed."""

from types import SimpleNamespace

from django.utils import translation

from ordertaking.audit.labels import ACTION_LABELS, action_label, describe_events, event_changes


def test_p6_1_a_every_known_action_has_a_chinese_label():
    with translation.override("en"):
        english = {a: str(label) for a, label in ACTION_LABELS.items()}
    with translation.override("zh-hans"):
        untranslated = [a for a, label in ACTION_LABELS.items() if str(label) == english[a]]
    assert untranslated == []


def test_p6_1_a_an_action_nobody_named_yet_is_shown_as_its_dotted_name():
    assert action_label("thing.happened") == "thing.happened"


def test_p6_1_a_changes_list_only_the_fields_whose_value_moved():
    with translation.override("en"):
        rows = event_changes({"state": "submitted", "revision": 2}, {"state": "returned", "revision": 2})
    assert [(r["key"], r["before"], r["after"]) for r in rows] == [("state", "Pending review", "Returned")]


def test_p6_1_a_state_codes_read_as_the_policys_words_in_chinese():
    with translation.override("zh-hans"):
        (row,) = event_changes({"state": "submitted"}, {"state": "approved"})
    assert (row["field"], row["before"], row["after"]) == ("状态", "待审核", "已通过")


def test_p6_1_a_an_unknown_code_is_shown_as_stored():
    (row,) = event_changes(None, {"state": "teleported"})
    assert row["after"] == "teleported"


def test_p6_1_a_a_creation_lists_its_fields_with_no_before_value():
    with translation.override("en"):
        rows = event_changes(None, {"username": "sales1", "roles": ["sales", "finance"]})
    assert [(r["key"], r["before"], r["after"]) for r in rows] == [("username", "", "sales1"),
                                                                  ("roles", "", "Sales, Finance")]


def test_p6_1_a_a_field_only_in_before_is_shown_as_removed():
    rows = event_changes({"hold": "credit"}, {})
    assert [(r["key"], r["before"], r["after"]) for r in rows] == [("hold", "credit", "")]


def test_p6_1_a_describe_events_annotates_description_and_changes_in_the_current_language():
    ev = SimpleNamespace(action="order.returned", before={"state": "submitted"}, after={"state": "returned"})
    with translation.override("en"):
        (en,) = describe_events([ev])
        assert en.description == "Order returned to sales"
        assert en.changes[0]["field"] == "State"
    with translation.override("zh-hans"):
        (zh,) = describe_events([ev])
        assert zh.description == "订单退回销售"
        assert zh.changes[0]["after"] == "已退回"


def test_p4_2_a_amounts_in_the_trail_read_like_amounts_on_the_pages():
    (row,) = event_changes({"total_amount": "5400.00"}, {"total_amount": "6400.5"})
    assert (row["before"], row["after"]) == ("¥5,400.00", "¥6,400.50")
    (odd,) = event_changes(None, {"amount": "n/a"})
    assert odd["after"] == "n/a"


def test_p4_2_a_an_unchanged_text_with_other_line_endings_is_no_change():
    from ordertaking.audit.services import changes

    assert changes({"notes": "一\n二", "city": "上海"}, {"notes": "一\r\n二", "city": "苏州"}) == (
        {"city": "上海"}, {"city": "苏州"})


def _row(after, before=None, lang="en"):  # type: ignore[no-untyped-def]
    with translation.override(lang):
        (row,) = event_changes(before, after)
    return row


def test_p6_1_a_booleans_read_yes_or_no_in_each_language():
    assert _row({"special_needs": True})["after"] == "Yes"
    assert _row({"special_needs": True}, lang="zh-hans")["after"] == "是"
    row = _row({"guarantee_required": False}, {"guarantee_required": True}, lang="zh-hans")
    assert (row["field"], row["before"], row["after"]) == ("需要担保", "是", "否")


def test_p6_1_a_lists_of_codes_read_as_their_labels():
    assert _row({"payment_kinds": ["prepayment", "cod", "credit"]})["after"] == (
        "Prepayment, Cash on delivery, Credit terms")
    assert _row({"payment_kinds": ["prepayment", "cod"]}, lang="zh-hans")["after"] == "预付款、货到付款"


def test_p6_1_a_enums_read_as_the_models_words():
    assert _row({"status": "active"}, lang="zh-hans")["after"] == "有效"
    assert _row({"stage": "approval"})["after"] == "At approval"
    assert _row({"kind": "lc"}, lang="zh-hans")["after"] == "信用证"
    assert _row({"state": "done"}, {"state": "open"})["after"] == "Done"


def test_p2_3_c_special_approvals_name_their_findings_by_what_was_found_not_by_code():
    row = _row({"findings": ["payment_method_not_allowed", "price_below_floor"]}, lang="zh-hans")
    assert row["after"] == "该客户不允许使用此付款方式。、有单价低于底价。"
    assert "payment_method" not in _row({"findings": ["payment_method_not_allowed"]})["after"]


def test_p6_1_a_record_ids_are_not_shown_as_bare_numbers():
    with translation.override("zh-hans"):
        rows = event_changes({"state": "requested"}, {"state": "granted", "special_approval": 5, "evaluation": 9})
    assert [r["key"] for r in rows] == ["state"]
    # A yes/no under the same key (a release by leadership) is a fact, not a reference: shown.
    assert _row({"special_approval": True}, lang="zh-hans")["after"] == "是"


def test_p4_2_a_order_line_keys_read_as_line_and_field_in_each_language():
    row = _row({"lines.1.unit_price": "90.00"}, {"lines.1.unit_price": "100"}, lang="zh-hans")
    assert (row["field"], row["before"], row["after"]) == ("第 1 行 · 单价", "¥100.00", "¥90.00")
    assert _row({"customer_reference": "PO-7"}, lang="zh-hans")["field"] == "客户参考号"
    assert _row({"lines.2": None}, {"lines.2": "M-1 电机"})["field"] == "Line 2"
    assert _row({"lines.3.quantity": "2.000"})["after"] == "2"


def test_p4_2_a_an_order_number_is_a_link_to_the_order():
    row = _row({"order": "SO20261126-0001"}, lang="zh-hans")
    assert (row["field"], row["after"], row["after_url"]) == ("订单", "SO20261126-0001", "/orders/SO20261126-0001/")


def test_p5_1_a_score_factors_and_bands_read_as_words_and_amounts():
    row = _row({"factors": {"qualification": 80, "financial": 70, "reputation": 90, "payment": 100}},
               lang="zh-hans")
    assert row["after"] == "资质 80、财务状况 70、商业信誉 90、付款记录 100"
    bands = _row({"bands": [{"rating": "AAA", "min_score": 85, "limit": "2000000.00", "payment_kinds": ["credit"],
                             "max_term_days": 90, "guarantee_required": False}]})["after"]
    assert bands == ("AAA: minimum score 85, credit limit ¥2,000,000.00, payment methods allowed Credit terms, "
                     "longest payment term (days) 90, guarantee required No")


def test_p3_6_every_amount_key_reads_as_money():
    for key in ("authority", "allocated", "open", "credit_limit", "excess", "open_overdue_amount"):
        assert _row({key: "1234.5"})["after"] == "¥1,234.50", key
    assert _row({"exposure": ["18000.00", "19000.00"]})["after"] == "¥18,000.00, ¥19,000.00"


def test_p6_1_a_a_note_the_system_wrote_reads_in_the_readers_language():
    ev = SimpleNamespace(action="order.updated", before={}, after={}, message="退回后开始第 2 版。")
    with translation.override("en"):
        (en,) = describe_events([ev])
    assert en.note == "Revision 2 opened after the return."
    typed = SimpleNamespace(action="order.returned", before={}, after={}, message="请与客户确认交货期")
    with translation.override("en"):
        (kept,) = describe_events([typed])
    assert kept.note == "请与客户确认交货期"


def test_p6_1_a_an_event_without_a_person_reads_system_in_each_language():
    ev = SimpleNamespace(action="credit.stopped", before={}, after={}, message="", actor_name="system", actor_id=None)
    with translation.override("zh-hans"):
        (zh,) = describe_events([ev])
    assert zh.who == "系统"
    person = SimpleNamespace(action="order.created", before={}, after={}, message="", actor_name="王建国", actor_id=3)
    (kept,) = describe_events([person])
    assert kept.who == "王建国"


def test_p5_1_a_the_payment_records_on_time_share_reads_as_a_percentage():
    row = _row({"payment_record": {"invoices": 4, "on_time_ratio": "0.7500", "worst_days_overdue": 38}},
               lang="zh-hans")
    assert row["after"] == "发票 4、按时付款比例 75%、最长逾期天数 38"
