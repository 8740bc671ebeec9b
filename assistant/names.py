"""Names in a sentence that answer a who / where / which question: a titled person, the places a
sentence lists, an organisation. A name is read off the printed sentence, never made up; where no
plain name stands in the sentence, the answerer says so rather than quote a sentence without one."""

from __future__ import annotations

import re

import jieba.posseg

from .question import COMMON_WORD, TITLE_WORD, WHICH_SEVERAL, Places, Question
from .text import DATELINE, Tokenizer

_ORGANISATION_SUFFIX = r"有限公司|公司|基金会|医院|大学|学院|中学|小学|商会|集团|研究院|中心|联盟|协会|局|厅|委员会|合作社|工作组|工作队|厂"
_ORGANISATION = re.compile(rf"[\u4e00-\u9fff“”A-Za-z0-9]{{2,24}}?(?:{_ORGANISATION_SUFFIX})")
# parts of speech that end a name when an everyday word of them stands inside the match: what
# follows the last of them is the name ("组建本钢板材股份有限公司" → 本钢板材股份有限公司)
_OUTSIDE_A_NAME = {"v", "p", "d", "r", "m", "q", "c", "u", "ul", "uj", "uz", "ug", "uv", "ud", "f", "ad", "vd", "t", "y", "zg"}
# what links a name to the words before it, which jieba cannot tag apart in a short span ("经中南大学")
_LEADING_LINK = re.compile(r"^(与|和|同|由|在|是|为|向|经|让|给|帮助|携手|联合|邀请|协调)")
# a name jieba knows whole: an organisation (nt), another proper name (nz), a place's (ns)
_PROPER = {"nt", "nz", "ns", "nr", "nrt"}
# an asked noun that names no kind of organisation: any organisation answers "哪家企业"
_ANY_ORGANISATION = {"企业", "单位", "机构", "组织", "部门", "厂家", "企事业"}

_ROLE_NAME = re.compile(
    r"(?:副组长|组长|书记|县长|主任|干部|摄影家|患者|记者|通讯员|专家|队长|院长|校长|局长)"
    r"([\u4e00-\u9fff]{2,4}?)(?=的|说|坦言|回忆|表示|介绍|这样|[，,。、“\s]|$)"
)
_PLACE_SUFFIX = re.compile(r"^(?:市|县|区|乡|镇|村|省|地区)")
# a transliterated name, its parts joined by a middle dot
_FOREIGN_NAME = r"[\u4e00-\u9fff]{1,8}(?:[·・•][\u4e00-\u9fff]{1,8})+"
# "浙江眼镜商城（浙江临海）": a name and, in brackets right after it, where it is
_NAME_AND_ITS_PLACE = re.compile(r"([^、，,；;：:（）。]{3,30})（([^（）、，,]{2,12})）")
_TITLE = re.compile(rf"{TITLE_WORD}$")
# "题词的内容", "口号是什么": a question after what a saying says, not who said it or what it is called
_ASKS_CONTENT = re.compile(r"内容|是什么|是啥|写的是?什么|写了什么|说的是?什么|说了什么|怎么说|怎么写")
# the saying printed whole in quotes right after the noun that names it ("题词是：“振兴百年产业…”")
_SAYING = re.compile(r"([\u4e00-\u9fff](?![是为])[\u4e00-\u9fff])(?:是|为)?[：:]?“([^”]{4,80})”")
_ASKS_TITLED = re.compile(rf"{TITLE_WORD}(?:的?是谁|[？?]?$)")  # "副市长是谁", "行长的是谁", "总经理？"


def titled_name(sentence: str, asked_text: str, places: Places, asked_as: str = "") -> str:
    """A person's name printed beside a title, "副市长吴厚溥" or "徐鹏航总经理" (jieba's person-name
    tag, a one-character surname joined to the given name that follows it), or beside the noun the
    question calls the person by (`asked_as`: "深圳老板叫什么名字" → "老板梁汝堂"). A foreign name
    after a title is read whole, its parts joined by a middle dot ("秘书长弗朗切斯科·弗朗兰利")."""
    titles = rf"{TITLE_WORD}|{re.escape(asked_as)}" if len(asked_as) >= 2 else TITLE_WORD
    for m in re.finditer(rf"(?:{titles})({_FOREIGN_NAME})", sentence):
        if m.group(1) not in asked_text:
            return m.group(1)
    tokens = jieba.posseg.lcut(sentence)

    def is_title(word: str) -> bool:
        return bool(_TITLE.search(word)) or len(asked_as) >= 2 and word == asked_as

    for i, token in enumerate(tokens):
        if not token.flag.startswith("nr") or token.word in asked_text or token.word in places.aliases:
            continue
        after_title = i > 0 and is_title(tokens[i - 1].word)
        before_title = i + 1 < len(tokens) and is_title(tokens[i + 1].word)
        if not (after_title or before_title):
            continue
        name = token.word
        if len(name) == 1 and i + 1 < len(tokens) and re.fullmatch(r"[\u4e00-\u9fff]{1,2}", tokens[i + 1].word):
            name += tokens[i + 1].word  # 沈 + 需范
        if 2 <= len(name) <= 4:
            return name
    return ""


def person_name(sentence: str, asked_text: str, places: Places) -> str:
    """The first person jieba names in the sentence ("张裕民原是…"): who a "…的人叫什么名字" is about,
    where no title stands beside the name."""
    for token in jieba.posseg.lcut(sentence):
        if token.flag == "nr" and 2 <= len(token.word) <= 4 and token.word not in asked_text and token.word not in places.aliases:
            return token.word
    return ""


_ENUMERATION = re.compile(r"((?:[\u4e00-\u9fff]{2,8}[、和及与]){1,9}[\u4e00-\u9fff]{2,8}?)(等)?([\d一二三四五六七八九十两]+个?)?"
                          r"(区县|县市|县|市|区|村|乡|镇|省|地)")


def _listed_places(question: Question, sentence: str, places: Places) -> str:
    """"哪几个区县": every place the sentence lists ("长宁区、浦东新区、青浦县"), or the names it
    enumerates before their kind ("文成、泰顺、景宁、青田四县"), as printed."""
    m = _ENUMERATION.search(sentence)
    if m is not None:
        names = [n for n in re.split(r"[、和及与]", m.group(1)) if n]
        if not m.group(2) and not m.group(3):
            names[-1] += m.group(4)  # "…、青浦县进行试点": the kind is the last name's own ending
        # "浙江省文成", "上海市在…长宁区": what leads the list is where they lie, not one of them
        names[0] = re.sub(r"^.*[省市的在]", "", names[0]) if len(names[0]) > 4 else names[0]
        if len(names) >= 2 and all(names):
            return "、".join(names)
    named = [p for p in places.find(sentence) if p not in question.places and not any(
        places.covers(p, q) for q in question.places)]
    return "、".join(named) if len(named) >= 2 else ""


def _everyday_words(text: str, tokenizer: Tokenizer) -> bool:
    return any(len(t.word) >= 2 and not t.flag.startswith("nr") and tokenizer.frequency(t.word) >= COMMON_WORD
               for t in jieba.posseg.lcut(text))


def asks_a_titled_person(question: Question) -> bool:
    """"副市长是谁": a title asks for a person by name; an organisation, or a sentence quoted without
    a name, is no answer to it."""
    return question.asks == "person" and bool(_ASKS_TITLED.search(question.text))


def entity(question: Question, sentence: str, places: Places, tokenizer: Tokenizer) -> str:
    """The name a who/where/which/what-is-it-called question asks for, when the sentence makes it plain."""
    asked_text = question.text
    said = quoted_saying(question, sentence)
    if said:
        return said
    head = asked_noun(asked_text)
    if question.asks in ("person", "fact") and len(head) >= 2 and not head.endswith("人"):
        # "一份什么规划", "哪个行业", "那个庄园叫什么名字": the printed name of a thing of that kind
        named = headed_name(sentence, head, asked_text, tokenizer)
        if named:
            return named
    if question.asks == "person":
        for m in _ROLE_NAME.finditer(sentence):
            if m.group(1) not in asked_text and m.group(1) not in places.aliases \
                    and not _everyday_words(m.group(1), tokenizer):  # "记者招待会上说": no one's name
                return m.group(1)
    if question.asks == "person":
        named = titled_name(sentence, asked_text, places, head)
        if not named and not asks_a_titled_person(question) and head.endswith("人"):
            named = person_name(sentence, asked_text, places)  # "…的人叫什么名字"
        if named:
            return named
    if question.asks == "organisation" or question.asks == "person" and not asks_a_titled_person(question):
        names = [n for n in organisations(sentence, tokenizer) if n not in asked_text]
        if question.places and len(names) >= 2:
            # "宝鸡哪家企业": among listed firms, the one of the place asked; another place's is no answer
            own = [n for n in names if set(places.find(n)) & set(question.places)]
            names = own or [n for n in names if not places.find(n)]
        if head and head not in _ANY_ORGANISATION:
            # "组建的是什么公司": a 公司, not the 厂 the same sentence names first
            names = [n for n in names if n.endswith(head)] or names
        if names:
            return names[0]
    if question.asks == "place" and re.search(WHICH_SEVERAL, asked_text):
        listed = _listed_places(question, sentence, places)
        if listed:
            return listed
    if question.asks == "place":
        text = DATELINE.sub("", sentence)  # "新华社太原1月21日电": where the report was filed
        bracketed = _place_in_brackets(text, asked_text, places)
        if bracketed:
            return bracketed
        named = [p for p in places.find(text) if p not in question.places and p not in asked_text]
        rank = _ASKED_RANK.search(asked_text)
        if rank:  # "哪个省": a province the sentence prints, before a city in it
            named = [p for p in named if len(places.lineage(p)) == _RANK_DEPTH[rank.group(1)]] or named
        if named:
            deepest = max(named, key=lambda p: len(places.lineage(p)))
            at = text.find(deepest)
            suffix = _PLACE_SUFFIX.match(text[at + len(deepest):]) if at >= 0 else None
            return deepest + (suffix.group(0) if suffix else "")
    if re.search(r"叫什么|名称|名字|称为|叫做", asked_text):
        for m in re.finditer(r"“([^”]{2,30})”", sentence):
            if m.group(1) not in asked_text:
                return f"“{m.group(1)}”"
    return ""


def _place_in_brackets(sentence: str, asked_text: str, places: Places) -> str:
    """"…浙江眼镜商城在什么地方": the place printed in brackets right after the name asked about
    ("浙江眼镜商城（浙江临海）"), as printed; a list gives each name its own ("…（河北高阳）")."""
    for m in _NAME_AND_ITS_PLACE.finditer(sentence):
        name, where = m.group(1), m.group(2)
        named = any(name[i:] in asked_text for i in range(len(name) - 2))
        if named and where not in asked_text and (places.find(where) or re.search(r"[省市县区镇乡村]$", where)):
            return where
    return ""


_ASKED_RANK = re.compile(r"哪(?:个|一个)?(省|自治区|县)")
_RANK_DEPTH = {"省": 1, "自治区": 1, "县": 3}  # depth in the gazetteer: province, prefecture, county


def asks_a_saying(question: Question) -> bool:
    return question.asks == "fact" and bool(_ASKS_CONTENT.search(question.text))


def quoted_saying(question: Question, sentence: str) -> str:
    """"李鹏总理题词的内容？" → “振兴百年产业，争创世界造船大国”: the quote printed after the noun
    the question names (题词, 口号, 主题), linked by 是, 为 or a colon. The noun may be split in
    the asking ("题的词"), so its characters need only stand in order, at most two apart."""
    if not asks_a_saying(question):
        return ""
    for m in _SAYING.finditer(sentence):
        noun, said = m.group(1), m.group(2)
        if said not in question.text and re.search(f"{re.escape(noun[0])}.{{0,2}}{re.escape(noun[1])}", question.text):
            return f"“{said}”"
    return ""


def organisations(sentence: str, tokenizer: Tokenizer) -> list[str]:
    """Organisations the sentence names, in order: each a run of characters up to a suffix (公司,
    厂, 局 …), cut after the last everyday verb, particle or pronoun inside it. A single common noun
    left over (建厂, 棉纺织厂: "有建厂120周年、我国第一家棉纺织厂申新九厂") describes, it names nothing."""
    return [name for m in _ORGANISATION.finditer(sentence) if (name := _as_name(_LEADING_LINK.sub("", m.group(0)), tokenizer))]


def headed_name(sentence: str, head: str, asked_text: str, tokenizer: Tokenizer) -> str:
    """The name of a thing of the asked kind: a title in 《》 that holds the noun (《岳阳援藏三年工作规划》),
    else a span of the sentence that ends on it and names one ("邮电通讯行业", "龙汇庄园")."""
    for m in re.finditer(r"《([^》]{2,40})》", sentence):
        if head in m.group(1) and m.group(0) not in asked_text:
            return m.group(0)
    pattern = re.compile(rf"[\u4e00-\u9fff]{{1,12}}?{re.escape(head)}")
    for m in pattern.finditer(sentence):
        name = _as_name(_LEADING_LINK.sub("", m.group(0)), tokenizer)
        # "现代农业庄园" for "农业庄园叫什么名字" restates what was asked, it names nothing
        restated = any(name[i:] in asked_text for i in range(len(name) - len(head)))
        if len(name) > len(head) and not restated:
            return name
    return ""


def _as_name(span: str, tokenizer: Tokenizer) -> str:
    tokens = jieba.posseg.lcut(span)
    start = 0
    for i, token in enumerate(tokens[:-1]):  # the last token holds the suffix, whatever its tag
        if token.flag in _OUTSIDE_A_NAME and tokenizer.frequency(token.word) >= COMMON_WORD:
            start = i + 1
    kept = tokens[start:]
    if len(kept) == 1 and kept[0].flag not in _PROPER:
        return ""
    return "".join(t.word for t in kept)


def asked_noun(text: str) -> str:
    """The noun a which/what question is about: "组建的是什么公司" → 公司, "哪家棉纺企业敲掉…" → 企业,
    "专门成立的公司叫什么" → 公司, "哪个行业" → 行业 ("" when there is none)."""
    tokens = jieba.posseg.lcut(text)
    words = [t.word for t in tokens]
    for i, word in enumerate(words):
        if re.fullmatch(r"什么|哪一?[个家所类种项位]|哪", word) or re.fullmatch(r"哪一?[个家所类种项]", word):
            head = ""
            for t in tokens[i + 1:]:
                if not t.flag.startswith("n") and t.flag not in ("vn", "j", "b", "zg"):
                    break
                head = t.word
            if head:
                return head
        if word in ("叫", "叫做", "称为") and i + 1 < len(words) and words[i + 1] in ("什么", "啥"):
            before = [t for t in tokens[:i] if t.flag.startswith("n")]
            if before and tokens[i - 1].flag.startswith("n"):
                return before[-1].word
    return ""
