"""What a question asks: the kind of answer (money, count, date, person …), the unit it expects,
whose figure it wants (places, with aliases such as 湘 = 湖南) and the words that name the thing."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .figures import CN_NUMERAL, PEOPLE_NOUNS, UNIT_KINDS, chinese_to_number
from .gazetteer import admin_divisions, short_name
from .schema import Figure
from .text import Tokenizer, normalise, segmented

FIGURE_KINDS = {"growth", "money", "people", "count", "percent", "date", "duration", "measure", "number", "ordinal"}
# A quantity whose name says what it is measured in: "新开工面积多少" is not answered by 3200亿元.
DIMENSIONS = {
    # how big a home is, or a stretch of land, is its area: "平均每户（套）多大", "住多大地方", "翻新了多大一片"
    "area": (re.compile(r"面积|占地|用地|(?:住房|住|房子|屋|每户|每套)[^，。？]{0,6}多大|多大(?:一?片|地方)"),
             frozenset({"平方公里", "平方米", "亩", "公顷"})),
    "length": (re.compile(r"里程|长度|总长|全长|距离|路程|多远|多长"), frozenset({"公里", "千米", "米", "厘米", "毫米"})),
    "speed": (re.compile(r"时速"), frozenset({"公里", "千米"})),
}

# "哪几个", "哪些", "哪四个": the question asks for several names
WHICH_SEVERAL = r"哪(?:些|[几一二三四五六七八九十两]+个?)"
# money read from what the quantity is about, not from how it is asked (Question.kind_from_topic)
_MONEY_TOPIC = r"资金|金额|投资|投入|收入|增收|营收|销售额|利润|税收|贷款|捐款|捐赠|分红|补贴|产值|总值|信贷|经费|费用|花了"
# how a terse question ends: the quantity's name, perhaps a note in brackets, perhaps a question mark
_TERSE_END = r"(?:[（(][^（）()]*[）)])?[？?]?$"
_TERSE_COUNT = re.compile(rf"(?<![多少半无指系倍分岁人户次])总?[个家项所条种件套台辆座]?数(?={_TERSE_END})")
# Checked in order: the first pattern that matches decides the kind of answer.
_ASKS: list[tuple[str, str]] = [
    # "位居世界第几", "第几号文件": a rank or serial number, printed as 第X
    ("ordinal", r"第几"),
    # "哪几个区县", "哪四个县": which places, not how many
    ("place", rf"(?:{WHICH_SEVERAL}|哪个)(?:区县|县市|县|市|区|村|乡|镇|地区|省)(?![长委])"),
    # a share or a rate: 比重, 份额, 几成, 占…多少, and any …率 (合格率, 普及率, 增长率)
    ("percent", r"百分之|百分比|比例|占比|比重|份额|几成|占(?!地|用|有)[^，。？]{0,20}(多少|几)|[\u4e00-\u9fff]率(?=(?:具体|到底|究竟|大约|大概|约)?(?:是|为|达|有|多少|几|[？?]|$))|系数|[\u4e00-\u9fff](?<![相对好无类评])比(?=(?:具体|到底|究竟|大约|大概|约)?(?:是|为|达到?|有|多少|几|[？?]|$))|增幅|降幅|涨幅|跌幅|增速|幅度|增长速度|同比|环比|百分点"),
    ("growth", r"(增长|提高|下降|提升|增加|减少|长高|增高)了?(多少|几)|多长(?=多少|几)"  # 能多长多少: 多增长多少
               # "…竣工面积比1996年增长？": the terse form ends on the change itself
               rf"|(增长|提高|下降|提升|增加|减少|上升){_TERSE_END}"),
    ("date", r"什么时候|何时|哪[一几]?天|哪一?年|几月|几号|哪个月|日期|什么时间|几时"),
    ("duration", r"多少年(?!来)|几年(?!来)|多久|多长时间|多少天|几天|多少个月|几个月"),  # 几年来: over the years
    # "报名人数是多少", not "报名人数是从多少个报名点汇总的": 人数 counts people when it is what is asked;
    # "多少口人": people counted by mouths
    # "多少职工", "几万农民": the people counted named right after the question word
    ("people", r"(多少|几)(个)?[十百千万亿]*口?(人次|人|名|位)|人数[^，。？多几]{0,4}(?:多少|几)(?!个)|人(?:数|次)[？?]?$"
               rf"|(多少|几)[十百千万亿]*(?:{PEOPLE_NOUNS})"),
    # "多少万吨", "几千家": a magnitude may stand between the question word and the unit
    ("measure", r"多高|多长(?!多少|了|几)|多远|多重|(多少|几)[十百千万亿]*(公里|千米|米|厘米|吨|公斤|亩|级|平方米|立方米|千瓦)"),
    ("count", r"(多少|几)(个|家|项|场次|场|次|所|户|条|种|批|份|件|套|台|辆|座|间|支|届|期|篇|处|类|罐|大)"
              r"|(多少|几)[十百千万亿]+(个|家|项|所|户|条|种|件|套|台|辆|座)"),
    ("money", r"多少钱|多少元|(多少|几)(万|亿)元?|(多少|几)[万亿]*(?:美元|港元|日元|欧元|英镑)"),
    ("person", r"谁|哪位|什么人|名字|姓名|哪个人|哪些人"),
    ("place", r"哪里|哪儿|在哪|什么地方|哪个(县|市|区|村|乡|镇|地区|省)|何地|何处|去了?哪"),
    ("organisation", r"哪家|哪所|哪个单位|什么单位|哪些单位|什么机构|哪个机构|什么公司|哪些(企业|高校|医院|学校)|哪个医院|哪所大学|什么组织|哪些机构"
                     r"|(?:公司|单位|企业|机构|组织|集团|厂)的?(?:名称|名字)?(?:叫|是|为)(?:什么|啥)"),  # "成立的公司叫什么"
    ("money", _MONEY_TOPIC),
    ("number", r"多少|几|多大|数量|规模|数额"),
    # "1997年记账式国债发行额？", "安徽省粮食入库量？": an official's terse question, no question word,
    # ends on the name of a quantity; it asks for that quantity as much as "…是多少" does
    # "…廉租公房总套数？", "…特困村数？", "…人员总数（含边境游）？": a count named by 数
    ("count", rf"(个|家|项|所|户|条|种|件|套|台|辆|座)数{_TERSE_END}"),
    ("number", rf"(?:[额量]|价格|价位|单价|里程|面积|长度|总长|全长|总值|产值|增加值|人口|指数|(?<![多少半无])数|数目){_TERSE_END}"),
]
COMMON_WORD = 100  # jieba's dictionary count above which a word is an everyday one
_NOT_ASKING = re.compile(r"([这那近好头十])几|几(?=[十百千万亿])")  # 几十年, 十几个: a rough count
_ASKS_WHICH = re.compile(r"哪(个|些|家|所|位|里|儿|项|种)(?!月|季度)|谁")
_ENTITY_KINDS = {"person", "place", "organisation"}
_QUESTION_WORDS = re.compile(
    rf"(?:排名?在?|位居|位列|名列|居于?|列)?第几(?:名|位)?|百分之几|百分之多少|{WHICH_SEVERAL}|多少钱|多少|多远|多高|多长|多重|多久|多大|哪一?天|哪一?年|哪个月|几月|几号|几|什么时候|什么|啥|哪里|哪儿|哪些|哪个|哪家|哪所|哪位|哪|谁|何时|何地|如何|怎么样|怎样|怎么|"
    r"是否|有没有|吗|呢|请问|一共|总共|共计|加起来|分别|大约|是"
)
# 在鄂就业, 赴皖学习, 湘籍: where a one-character abbreviation stands for a province
_ONE_CHAR_PLACE = re.compile(r"(?<=[在赴来入驻])([^\W\d_])(?=[就工务学求治跟考交发稳落投创])|([^\W\d_])(?=籍)"
                             r"|(?<=[对自])([^\W\d_])(?=(?:加工)?(?:出口|进口|贸易|投资))")
_ATTRIBUTION = re.compile(r"(?:根据|按照|依照|据|照|按)[^，,。？?]{1,24}?(?:(?:公布|统计|调查|测算|估算|介绍|报道|透露|显示|预测|估计|分析)(?:的数字|的数据|的结果)?|的(?:数字|数据|统计|估算|测算|说法))[，,]?"
                          r"|^[^，,。？?]{2,24}?(?:报告|报道|公布|调查|测算|透露|显示|预测|估计)(?:的数字|的数据|的结果)?[，,]"
                          # "农业部说1997年…", "国家统计局预计1997年…": who says so, before the time it speaks of
                          r"|^[^，,。？?\d]{2,12}?(?:说|称|表示|预计|估计|预测|公布|透露)(?=(?:19|20)\d{2}年|今年|去年|全国|我国)")
_COMPARED_BASE = re.compile(r"同比|环比|[比较](?:上|前|去)[一1]?个?年度?(?:同期)?")
_PERSONAL = re.compile(r"咱们|我们|你们|他们|她们|咱")
# "精简以后还剩多少人": the level a change ended at, which print gives as "减少到471人"; the words
# that say "after" are read by the rules of change (a range's end), not looked for in print
_AFTER_A_CHANGE = re.compile(r"(?<=[\u4e00-\u9fff])(?:以后|之后)(?=还|剩|有|是|[，,])|还剩下?|剩下")
_COMPARED_YEAR = re.compile(r"[跟和与同](?:19|20)\d{2}年(?:相)?比")
# 额 is an amount of money (筹资额, 销售额, 成交额); 份额, a share, is read as a percent before this
_MONEY_WORDS = re.compile(r"资金|金额|投资|投入|收入|增收|捐款|捐赠|分红|补贴|产值|总值|信贷|贷款|经费|钱|(?<!名)额")
# One-character abbreviations that are also everyday words (新, 青, 云 …) never stand alone for a place.
_EVERYDAY_ALIASES = set("新青宁云贵甘吉黑台港澳京津川秦蒙藏美日韩英法德俄")


@dataclass
class Places:
    """Place names with their aliases and the region each lies in."""

    aliases: dict[str, str]  # alias or full name → canonical name
    parent: dict[str, str]
    # the country whose provinces the alias table lists: a text naming it speaks of the whole
    country: str = ""
    provinces: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    _automaton: Any = field(default=None, repr=False, compare=False)
    _short_names: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None, *, divisions: bool = True) -> Places:
        path = path or Path(__file__).with_name("data") / "places.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}
        for name, short in [*data.get("aliases", {}).items(), *data.get("countries", {}).items()]:
            aliases[name] = name
            for alias in short:
                aliases[alias] = name
        for name in data.get("parent", {}):
            aliases.setdefault(name, name)
        parent = dict(data.get("parent", {}))
        if divisions:  # every prefecture and county of China, beneath the curated table
            more_aliases, more_parents = admin_divisions(aliases)
            aliases = {**more_aliases, **aliases}
            parent = {**more_parents, **parent}
        provinces = frozenset(name for name, short in data.get("aliases", {}).items() if short)
        return cls(aliases, parent, data.get("country", ""), provinces, frozenset(data.get("countries", {})))

    def in_country(self, place: str) -> bool:
        """岳阳 lies in the country (its top region is a province), 日本 does not."""
        return self.lineage(place)[-1] in self.provinces

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical) of each full place name in `text`. 安阳县 is the county, not also
        the city 安阳 its name begins with: a name inside a longer one found at the same place is
        not a place of its own."""
        matches = sorted(((end - len(name) + 1, end + 1, canonical) for end, (name, canonical) in self._matcher().iter(text)),
                         key=lambda span: (span[0], -span[1]))
        found, reach = [], -1
        for start, end, canonical in matches:
            if end > reach:
                found.append((start, end, canonical))
                reach = end
        if found:  # "复合肥" holds 合肥: a name inside a longer word is no name there
            words = [(a, b) for word, a, b in segmented(text) if len(word) >= 3]
            found = [span for span in found
                     if not any(a < span[0] and span[1] <= b for a, b in words)]
        return found

    def find(self, text: str) -> list[str]:
        """Canonical places named in `text`: full names anywhere, one-character aliases
        (湘, 鄂, 皖) only where Chinese uses them as places (在鄂, 赴皖, 湘籍)."""
        found = [c for _, _, c in self.spans(text)]
        for m in _ONE_CHAR_PLACE.finditer(text):
            alias = m.group(1) or m.group(2) or m.group(3)
            if alias in self.aliases and alias != "藏":
                found.append(self.aliases[alias])
        return list(dict.fromkeys(found))

    def _matcher(self):
        """One pass over a text for all ~5,000 names (an Aho-Corasick automaton, built once)."""
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for name, canonical in self.aliases.items():
                if len(name) >= 2:
                    automaton.add_word(name, (name, canonical))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def find_in_question(self, text: str, words: list[str]) -> list[str]:
        """As `find`, plus one-character aliases that stand as a word of their own (“湘援藏…”)."""
        found = self.find(text)
        for w in words:
            if len(w) == 1 and w in self.aliases and w not in _EVERYDAY_ALIASES:
                found.append(self.aliases[w])
            elif len(w) == 2 and w[0] in self.aliases and w[1] in "援企籍" and w[0] not in _EVERYDAY_ALIASES:
                found.append(self.aliases[w[0]])
        return list(dict.fromkeys(found))

    def named_after_region(self, text: str) -> list[str]:
        """"浙江象山", "河南桐柏": a province named, then one of its counties or cities by its short name
        (象山 for 象山县), which alone is too common a word to be read as a place."""
        if self._short_names is None:
            index: dict[str, list[str]] = {}
            for name in set(self.aliases.values()):
                short = self.short_form(name)
                if len(short) >= 2:
                    index.setdefault(short, []).append(name)
            self._short_names = index
        found = []
        for _, end, region in self.spans(text):
            for k in (3, 2):
                inside = [p for p in self._short_names.get(text[end: end + k], []) if p != region and self.covers(region, p)]
                # "贵州德江、务川、天柱等12个县": the first of a list is not the place asked, the list is
                if len(inside) == 1 and text[end + k: end + k + 1] not in ("、", "等"):
                    found.append(inside[0])
                    break
        return found

    @staticmethod
    def short_form(place: str) -> str:
        """象山 for 象山县: how a text that already named the county goes on to print it ("" if none)."""
        short = short_name(place)
        return short if short != place else ""

    def lineage(self, name: str) -> list[str]:
        chain = [name]
        while chain[-1] in self.parent and len(chain) < 8:
            chain.append(self.parent[chain[-1]])
        return chain

    def covers(self, asked: str, named: str) -> bool:
        """True when a text about `named` is about `asked` (岳阳 is in 湖南)."""
        return asked in self.lineage(named)

    def siblings(self, a: str, b: str) -> bool:
        """Different places of the same rank: a text about one does not answer for the other."""
        return a != b and self.parent.get(a) == self.parent.get(b)


@dataclass
class Synonyms:
    """Groups of interchangeable words (data/synonyms.txt): 拉来 = 引进, 贷款 = 信贷支持."""

    groups: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path | None = None) -> Synonyms:
        path = path or Path(__file__).with_name("data") / "synonyms.txt"
        groups: dict[str, tuple[str, ...]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            words = tuple(line.split()) if line.strip() and not line.startswith("#") else ()
            for word in words:
                groups[word] = tuple(dict.fromkeys(groups.get(word, ()) + words))
        return cls(groups)

    def of(self, word: str) -> tuple[str, ...]:
        """The other words that may stand for `word` in print; "人均" is "平均每人" spelt out."""
        spelt = ()
        if _PER_EACH_SHORT.fullmatch(word):
            each = ("日", "天") if word[0] == "日" else (word[0],)  # 日均 is spelt 平均每天 as often as 平均每日
            spelt = tuple(form for e in each for form in (f"平均每{e}", f"平均每个{e}", f"每{e}平均"))
        return tuple(w for w in (*self.groups.get(word, ()), *spelt) if w != word)


# "平均每人" / "每个人平均" is printed "人均", "平均每年" "年均", "平均每天" "日均": the question is read
# with the short form, which the page prints far more often (Synonyms.of spells it out again)
_PER_EACH = re.compile(r"平均每个?([人户亩年月天])|每个?([人户亩])平均")
_PER_EACH_SHORT = re.compile(r"[人户亩年月日]均")


def per_each_short(text: str) -> str:
    # a break after the short form: "人均摊到" would be cut 人 / 均摊 / 到
    return _PER_EACH.sub(lambda m: ("日" if (m.group(1) or m.group(2)) == "天" else m.group(1) or m.group(2)) + "均，", text)


@dataclass
class Question:
    text: str  # normalised question
    asks: str  # money | people | count | percent | date | duration | measure | number | person | place | organisation | fact
    unit: str = ""  # the unit asked for ("个", "人次"), "" when any fits
    places: list[str] = field(default_factory=list)  # canonical places the question is about
    focus: list[str] = field(default_factory=list)  # words naming the thing asked about
    years: list[str] = field(default_factory=list)  # "2025" when the question pins a year
    ordinals: list[str] = field(default_factory=list)  # "第二次": the text must say the same one
    dimension: str = ""  # area | length | speed, when the quantity asked is one (DIMENSIONS)
    # money read from what the quantity is about (投资, 收入), not from how it is asked (多少元):
    # "投资项目多少" or "收入增加的户数" may still want another kind, so the kind only weighs
    kind_from_topic: bool = False
    # a follow-up ("那外商投资企业的进口呢？") asks for something other than what the turn before it
    # answered: those figures (as shown) are not its answer
    answered_before: list[str] = field(default_factory=list)
    asked_before: str = ""  # the question it follows, as asked then
    # asked with no question word, as a headline names a figure ("1997年船舶工业出口创汇？")
    headline: bool = False
    vector: Any = None  # its e5 vector (numpy), once retrieval has computed it: the reader reuses it
    # how each place is printed in the question where that is not its canonical name (印尼 for 印度尼西亚)
    place_forms: dict[str, str] = field(default_factory=dict)

    @property
    def wants_figure(self) -> bool:
        return self.asks in FIGURE_KINDS

    @property
    def answer_kind(self) -> str:
        """The kind of figure that may answer: money read from the topic admits a count or a measure too."""
        return "money_by_topic" if self.kind_from_topic else self.asks

    def measures(self, figure: Figure) -> bool:
        """The figure is in a unit of the dimension asked (any figure when none is)."""
        return not self.dimension or figure.unit in DIMENSIONS[self.dimension][1]


def analyse(text: str, tokenizer: Tokenizer, places: Places) -> Question:
    text = _arabic_counts(normalise(text).strip())
    words = tokenizer.words(text)
    # "这几年从外地招来了多少名人才": 这几/那几/近几 point at something, they ask nothing
    asking = _NOT_ASKING.sub(lambda m: (m.group(1) or "") + "·", text)
    # "是哪几个": which ones, as 哪些 asks, not how many
    asking = re.sub(r"哪几(?![天年月日号时])", "哪些", asking)
    # "多少天然气": a pattern whose last character starts a longer word asks nothing of that kind
    matched = next(((kind, pattern) for kind, pattern in _ASKS
                    if any(not _unit_opens_word(words, asking, m.end(), tokenizer) for m in re.finditer(pattern, asking))), ("fact", ""))
    asks, kind_from_topic = matched[0], matched[1] == _MONEY_TOPIC
    if asks in FIGURE_KINDS and asks != "date" and _ASKS_WHICH.search(text) and not re.search(r"多少|几", asking):
        # "哪个农场创造了最高劳动生产率？" names a farm: the rate is what it did, not what is asked
        asks = next((kind for kind, pattern in _ASKS if kind in _ENTITY_KINDS and re.search(pattern, text)), "fact")
    headline = not _ANY_QUESTION_WORD.search(text)
    if headline and asks == "fact" and _ENDS_ON_A_TITLE.search(text):
        asks = "person"  # "中国海洋石油总公司总经理？" asks who holds the title
    unit = ""
    # "多少亿美元", "多少万吨": the unit after the magnitude
    m = re.search(rf"(?:多少|几)(个)?(?:[十百千万亿]+)?({'|'.join(sorted(UNIT_KINDS, key=len, reverse=True))})", asking)
    if m and asks in FIGURE_KINDS and not _inside_word(words, m.start(2), m.group(2)):
        unit = m.group(2) or m.group(1) or ""
    if asks == "number" and _MONEY_WORDS.search(text):
        asks, kind_from_topic = "money", True
    if headline and asks == "money" and re.search(rf"(?:{_MONEY_WORDS.pattern}){_TERSE_END}", text):
        kind_from_topic = False  # "…工资性贷款金额？" names the amount of money asked, no count
    found_places = places.find_in_question(text, words)
    found_places += [p for p in places.named_after_region(text) if p not in found_places]
    # 淮阴市 (a city of 1998, a district today): a place by its name, though no table lists it
    found_places += [w for w in _named_places(text) if not any(w in p or p in w for p in found_places)]
    place_words = set(places.aliases)
    focus = []
    # "据世界旅游组织公布，…": who reported the figure, named once in the article, not what it measures
    asked_about = _ATTRIBUTION.sub("，", text)
    asked_about = _QUESTION_WORDS.sub("，", asked_about)
    if asks in ("count", "number") and _TERSE_COUNT.search(asked_about):
        # "特困村数？" asks as 多少 asks: print says "1945个特困村", never 特困村数
        asked_about = _TERSE_COUNT.sub("，", asked_about)
    # "比上年增长" asks a change, which news prints as "增18.1%": the base compared with is read by the
    # rules of change and time, and only the verb is a word to find; "咱们国家" names nothing printed
    asked_about = per_each_short(_AFTER_A_CHANGE.sub("，", _COMPARED_BASE.sub("，", _PERSONAL.sub("", asked_about))))
    named_at = places.spans(asked_about)
    at = 0
    for w in tokenizer.terms(asked_about):
        start = asked_about.find(w, at)
        at = start + len(w) if start >= 0 else at
        if w in place_words or any(w == p or w in (p + "省", p + "市", p + "县", p + "区") for p in found_places):
            continue
        if start >= 0 and _cuts_a_place(start, start + len(w), named_at):
            continue  # "山西晋城市" cut as 山西晋/城市: pieces of place names, not what is asked
        if start > 0 and w[0] in "年月" and re.match(rf"[\d{CN_NUMERAL}]", asked_about[start - 1]):
            # "1996年产值" cut as 1996/年产值, "1997年前11个月" as 1997/年前: the date's unit is not part
            # of the word after it (年底, 年初 are times of the year, and stay)
            if len(w) >= 3:
                w = w[1:]
            elif w[1:] in "前后" and re.match(r"[\d一二三四五六七八九十]", asked_about[start + len(w): start + len(w) + 1]):
                continue
        if re.fullmatch(rf"[\d{CN_NUMERAL}]+", w) or w in UNIT_KINDS or w[1:] in UNIT_KINDS and w[0] in "十百千万亿":
            continue
        if function_word(w):
            continue
        focus.append(_after_place(w, found_places) or w)
    # "比1996年增产多少": 1996 is what the change is measured from, not the time asked about
    # "1994到1997年": the first year of a span prints no 年 of its own
    # "据1998年初的报道，…": when it was reported is not the time asked about; nor is "跟1992年比" (a base)
    dated = _COMPARED_YEAR.sub("", _ATTRIBUTION.sub("，", text))
    years = re.findall(r"(?<![比较同])((?:19|20)\d{2})(?:年|(?=\s*[至到—－~～-]+\s*(?:19|20)\d{2}年))", dated)
    ordinals = re.findall(rf"第[\d{CN_NUMERAL}]+[次届批期轮个]?", text)
    dimension = ""
    if asks in ("number", "measure"):  # 面积下降了多少 (a percent) or 占多少 (a share) name no unit
        # "用地膜覆盖" speaks of film, not of land; "面积分类指数是多少点" asks points, not an area
        dimension = next((name for name, (pattern, units) in DIMENSIONS.items()
                          if (not unit or unit in units)
                          and any(not _cuts_a_word(words, m.end()) for m in pattern.finditer(text))), "")
        asks = "measure" if dimension else asks
    forms = {canonical: text[a:b] for a, b, canonical in places.spans(text) if text[a:b] != canonical}
    return Question(text, asks, unit, found_places, list(dict.fromkeys(focus)), years, ordinals,
                    dimension=dimension, kind_from_topic=kind_from_topic and asks == "money",
                    headline=headline, place_forms=forms)


# the last word of a title ("副市长", "总经理", "党委书记"): names.py reads a titled person by it
TITLE_WORD = r"(?:长|书记|主任|经理|总裁|主席|委员|部长|理事|总监|院士|教授)"
_ENDS_ON_A_TITLE = re.compile(rf"{TITLE_WORD}[？?]?$")
_ANY_QUESTION_WORD = re.compile(r"多少|几|什么|哪|谁|何|怎|吗|是否|呢|多[大长高远重久快宽深]|如何|啥|有没有|是不是")


_PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}[省市县区州]$")


def _named_places(text: str) -> list[str]:
    """Places the question names that the tables do not know: words jieba tags as places that end
    as Chinese place names end (市, 县, 区 …); 海关 or 海洋, also tagged so, end otherwise."""
    import jieba.posseg

    return [t.word for t in jieba.posseg.lcut(text) if t.flag == "ns" and _PLACE_WORD.fullmatch(t.word)]


def _after_place(word: str, named: list[str]) -> str:
    """"美国进口", one word to jieba (tagged a place): the place is asked through `places`, and the
    action after it is the word the page prints ("进口163亿美元"). A name that holds a place and a
    noun (中国银行) stays whole; a place's area (黑龙江垦区) does not."""
    import jieba.posseg

    for place in named:
        rest = word[len(place):] if word.startswith(place) else ""
        if len(rest) >= 2:
            tagged = jieba.posseg.lcut(rest)
            if len(tagged) == 1 and tagged[0].flag in ("v", "vn"):
                return rest
            # "黑龙江垦区", which jieba knows as a place (ns), not an organisation (nt) as 中国银行: the
            # area of the place (垦区, 山区, 农村), printed on its own ("垦区每年划拨…") once the place is
            # named; a longer rest names a place of its own (上海浦东新区)
            if [t.flag for t in jieba.posseg.lcut(word)] == ["ns"] and len(rest) == 2 and len(tagged) == 1:
                return rest
    return ""


# jieba's dictionary tags of words that relate others and name nothing: prepositions (跟, 为了),
# conjunctions, particles, interjections, onomatopoeia
_FUNCTION_TAGS = ("p", "c", "u", "y", "e", "o")


def function_word(word: str) -> bool:
    """"咱们跟韩国之间的贸易额" asks of 贸易额: 跟 and 之间 name nothing the page must print, yet a
    colloquial preposition the paper never uses weighs as its rarest word. Told by the dictionary's
    part of speech: a relating word, or a localiser of one character (里, 上) or of 之/以 (之间, 以后)."""
    from jieba import posseg

    tag = posseg.dt.word_tag_tab.get(word, "")
    # 以上 and 以下 bound a figure ("1元以上的占多大比例"): they tell apart items a list prints
    return tag.startswith(_FUNCTION_TAGS) or tag == "f" and (len(word) == 1 or word[0] in "之以") \
        and word not in ("以上", "以下")


def _unit_opens_word(words: list[str], text: str, end: int, tokenizer: Tokenizer) -> bool:
    """The match ends on a one-character unit that opens a longer, common word ("多少天然气": 天
    opens 天然气), so it names no unit. jieba also joins a measure word to the next character
    ("多少名地县两级干部" cut as 名地): a rare word is not taken for one."""
    at = end - 1
    if at < 0 or UNIT_KINDS.get(text[at]) is None:
        return False
    start = 0
    for word in words:
        if start == at:
            return len(word) > 1 and tokenizer.frequency(word) >= COMMON_WORD
        start += len(word)
        if start > at:
            return False
    return False


def _cuts_a_word(words: list[str], end: int) -> bool:
    """A span ending at `end` stops inside one of the question's words ("用地膜覆盖": 用 / 地膜覆盖).
    (One may start inside a word: 住房面积 is an area.)"""
    at = 0
    for word in words:
        if at < end < at + len(word):
            return True
        at += len(word)
    return False


def _inside_word(words: list[str], at: int, unit: str) -> bool:
    """"多少本钱": 本 starts the word 本钱 there, it is no measure word (as it is in "多少本书")."""
    start = 0
    for word in words:
        if start <= at < start + len(word):
            # "亿美元", "万吨": a magnitude and the unit, one word to jieba
            return len(word) > len(unit) and not word.startswith(unit + unit) and word.lstrip("十百千万亿") != unit
        start += len(word)
    return False




def _cuts_a_place(start: int, end: int, named_at: list[tuple[int, int, str]]) -> bool:
    """The word lies inside a place name, or runs across one's edge (a word that holds a whole
    name, 中国银行, is a name of its own)."""
    return any(start < b and a < end and not (start <= a and b <= end) for a, b, _ in named_at)


def _arabic_counts(text: str) -> str:
    """三年 → 3年, 两万 → 20000: questions spell numbers out, newspapers print digits."""
    def to_digits(m: re.Match) -> str:
        if re.fullmatch("[百千万亿]+", m.group(0)):
            return m.group(0)  # 千户企业, 百亿元: a round size as print says it, not a count
        value = chinese_to_number(m.group(0))
        return m.group(0) if value is None else f"{value:.0f}" if value.is_integer() else f"{value:g}"

    text = text.replace("上一年", "上年")  # as print says it: "比上年增长"
    return re.sub(rf"(?<![第哪几上下同这那每{CN_NUMERAL}])[{CN_NUMERAL}]+(?=[年个名人家项场次所户条种批亿万元])", to_digits, text)

