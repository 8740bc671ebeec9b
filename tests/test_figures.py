"""Number normalisation: the figure a user reads must be the figure the source prints."""

import pytest

from assistant.figures import chinese_to_number, find_figures, parse_figure, same_figure


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1.54万人次", 15400, "人次"),
        ("80.7亿元", 8.07e9, "元"),
        ("80.7亿", 8.07e9, ""),
        ("364万元", 3.64e6, "元"),
        ("10.82%", 10.82, "%"),
        ("26厘米", 26, "厘米"),
        ("6.8级", 6.8, "级"),
        ("三千", 3000, ""),
        ("两万人", 20000, "人"),
        ("1,200元", 1200, "元"),
        ("100千瓦时", 100, "千瓦时"),  # 千瓦 is a unit, not a thousand
        ("3万千瓦", 30000, "千瓦"),
        ("13.6亿立方米", 1.36e9, "立方米"),
    ],
)
def test_values_are_normalised(text, value, unit):
    figure = parse_figure(text)
    assert figure is not None
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit


def test_equivalent_forms_are_the_same_figure():
    assert same_figure(parse_figure("1.54万人次"), parse_figure("15400人次"))
    assert same_figure(parse_figure("80.7亿元"), parse_figure("80.7亿"))
    assert same_figure(parse_figure("177名"), parse_figure("177人"))
    assert not same_figure(parse_figure("80.7亿元"), parse_figure("25.6亿元"))
    assert not same_figure(parse_figure("41个"), parse_figure("41人"))


@pytest.mark.parametrize(
    ("text", "printed", "qualifier"),
    [
        ("在鄂就业西藏籍学生近600人", "近600人", "近"),
        ("累计征集省内就业援藏岗位1.6万余个", "1.6万余个", "余"),
        ("促成企业合作意向超6000万元", "超6000万元", "超"),
        ("2000个以上企业岗位", "2000个以上", "以上"),
        ("企业400余人", "400余人", "余"),
        ("培训山南干部3000多人次", "3000多人次", "多"),
        ("照明电价比封顶价还低0.1元多。", "0.1元多", "多"),  # more than, after the unit
        ("用了3个多月", "3个", ""),  # (多月: months, not "more than" after a unit that ends a clause)
    ],
)
def test_qualifiers_stay_with_their_figure(text, printed, qualifier):
    figure = find_figures(text)[0]
    assert figure.text == printed
    assert figure.qualifier == qualifier


def test_a_qualifier_changes_the_figure():
    assert not same_figure(parse_figure("近600人"), parse_figure("600人"))
    assert same_figure(parse_figure("近600人"), parse_figure("约600人"))


def test_chinese_numerals():
    assert chinese_to_number("十一") == 11
    assert chinese_to_number("一百零五") == 105
    assert chinese_to_number("两万") == 20000
    assert chinese_to_number("三千五百") == 3500
    assert chinese_to_number("二〇二五") == 2025
    assert chinese_to_number("abc") is None


def test_dates_percentages_and_what_is_not_a_figure():
    kinds = [(f.text, f.kind) for f in find_figures("2025年7月8日,第十一批工作组一路调研,1月19日电,增长26.43%")]
    assert kinds == [("2025年7月8日", "date"), ("1月19日", "date"), ("26.43%", "percent")]
    assert find_figures("三年援藏路")[0].value == 3


def test_a_date_keeps_the_part_of_the_month_it_names():
    # "于7月底正式运行": asked when, the answer is 7月底, not 7月
    assert [f.text for f in find_figures("委员会于7月底正式运行")] == ["7月底"]
    assert [f.text for f in find_figures("截至1997年11月末，余额")] == ["1997年11月末"]
    assert [f.text for f in find_figures("11月份以来")] == ["11月"]


def test_about_so_many_is_printed_with_lai():
    """"30来个中小园区": about thirty, counted in 个; "3年来" stays a span of years."""
    [about] = find_figures("辐射带动了３０来个中小园区")
    assert (about.value, about.unit, about.kind, about.qualifier) == (30, "个", "count", "来")
    assert [f.text for f in find_figures("近3年来")] == ["近3年"]


def test_index_points_are_a_unit_printed_in_digits():
    [index] = find_figures("土地开发面积分类指数为97.47点")
    assert (index.value, index.unit) == (97.47, "点")
    assert find_figures("提出三点意见") == []  # remarks counted in words, no index
