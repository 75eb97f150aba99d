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
    (row,) = event_changes(None, {"state": "shipped"})
    assert row["after"] == "shipped"


def test_p6_1_a_a_creation_lists_its_fields_with_no_before_value():
    rows = event_changes(None, {"username": "sales1", "roles": ["sales", "finance"]})
    assert [(r["key"], r["before"], r["after"]) for r in rows] == [("username", "", "sales1"),
                                                                  ("roles", "", "sales, finance")]


def test_p6_1_a_a_field_only_in_before_is_shown_as_removed():
    rows = event_changes({"hold": "credit"}, {})
    assert [(r["key"], r["before"], r["after"]) for r in rows] == [("hold", "credit", "")]


def test_p6_1_a_describe_events_annotates_description_and_changes_in_the_current_language():
    ev = SimpleNamespace(action="order.returned", before={"state": "submitted"}, after={"state": "returned"})
    with translation.override("en"):
        (en,) = describe_events([ev])
        assert en.description == "Order returned to sales"
        assert en.changes[0]["field"] == "state"
    with translation.override("zh-hans"):
        (zh,) = describe_events([ev])
        assert zh.description == "订单退回销售"
        assert zh.changes[0]["after"] == "已退回"


def test_p4_2_a_amounts_in_the_trail_read_like_amounts_on_the_pages():
    (row,) = event_changes({"total_amount": "5400.00"}, {"total_amount": "6400.5"})
    assert (row["before"], row["after"]) == ("¥5,400.00", "¥6,400.50")
    (odd,) = event_changes(None, {"amount": "n/a"})
    assert odd["after"] == "n/a"
