"""Amounts as people write and read them (issue 15 item 10)."""

import pytest

from core.money import capital, money, parse_yuan, wan


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [("500000", 500000), ("500,000", 500000), ("５００，０００", 500000), ("500000元", 500000),
     (" 1,000,000 ", 1000000)],
)  # fmt: skip
def test_digits_with_thousands_separators_are_read(typed, yuan):
    assert parse_yuan(typed) == yuan


@pytest.mark.parametrize("typed", ["5,00,000", "50万", "500000.5", "-1", "", "五十万", "1,0000"])
def test_anything_else_is_refused_not_guessed(typed):
    with pytest.raises(ValueError):
        parse_yuan(typed)


@pytest.mark.parametrize(
    ("yuan", "shown", "figure", "words"),
    [
        (500000, "50万元", "￥500,000.00", "伍拾万元整"),
        (100000, "10万元", "￥100,000.00", "壹拾万元整"),
        (123456, "12.3456万元", "￥123,456.00", "壹拾贰万叁仟肆佰伍拾陆元整"),
        (10001, "1.0001万元", "￥10,001.00", "壹万零壹元整"),
        (1000001, "100.0001万元", "￥1,000,001.00", "壹佰万零壹元整"),
        (100010, "10.001万元", "￥100,010.00", "壹拾万零壹拾元整"),
        (1005000, "100.5万元", "￥1,005,000.00", "壹佰万伍仟元整"),
    ],
)
def test_amounts_in_pages_and_in_notices(yuan, shown, figure, words):
    assert (wan(yuan), money(yuan), capital(yuan)) == (shown, figure, words)


def test_pages_in_english_show_yuan_not_wan():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load core_tags %}{{ amount|wan }}")
    with translation.override("en"):
        assert template.render(Context({"amount": 500000})) == "CNY 500,000"
        assert template.render(Context({"amount": None})) == ""
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": 500000})) == "50万元"
