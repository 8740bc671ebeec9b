"""Conversations: follow-up questions (那安徽呢？ 签约资金呢？ 同比增长了多少？) are rewritten
into standalone questions against the conversation so far; each conversation keeps its own turns.
`Assistant` wires the stages together: question → retrieval → answer."""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field, fields

import jieba.posseg

from .answer import Answerer, ExtractiveAnswerer
from .conditions import basis_alone
from .config import MAX_QUESTION_CHARS, Settings
from .extract import Extractor
from .figures import UNIT_PATTERN, find_figures
from .flanks import after_last_verb, asked_quantity, quantity_asked
from .index import HybridIndex, open_index
from .local_llm import LocalGGUF
from .question import Places, Question, analyse
from .reader import Reader, ReaderModel
from .reader.judge import JUDGE_FILE, Judge, JudgeModel
from .reader.scorer import MODEL_FILE
from .reader.verifier import local_verifier
from .retrieve import HybridRetriever
from .schema import Answer
from .sources import Scope
from .text import longest_common, normalise

# Words that refine the previous question rather than ask a new one.
_RELATIONAL = {"同比", "环比", "增长", "增幅", "下降", "减少", "提高", "其中", "比例", "占比", "合计", "总共",
               "一共", "分别", "它", "他们", "这个", "其", "那", "这些", "相比", "比", "去年", "今年"}
_RELATIONAL_RE = re.compile("|".join(sorted(_RELATIONAL, key=len, reverse=True)))
_LEAD = re.compile(r"^(那么|那个|那|还有|另外|再问一下|请问|然后)")
# a follow-up that opens with a comparison, a rank or a part goes on about the previous subject
_PREDICATE = re.compile(r"^(比|较|同比|环比|占|在全国|在世界|排|排名|位居|居|其中|分别)")
_MEASURE_SUFFIX = "率量额数值价费"
# "1997年呢？", "到2000年呢？": the same question of another time
# "1994到1997年": a span of years is carried whole, not as its last year
_TIME = r"(?:(?:19|20)\d{2}年?\s*[至到—－~～-]+\s*(?:19|20)\d{2}年|(?:到|截至|截止|在)?(?:(?:19|20)\d{2}年(?:底|末|初(?!级)|前\d{1,2}个月)?|今年|去年|明年|前年|目前|现在|如今|上半年|下半年|全年))"
_TIME_ONLY = re.compile(rf"^{_TIME}$")
_WHEN = re.compile(r"的?(?:时候|那会儿?|那时)$")
_TIME_IN = re.compile(_TIME)
_PRONOUN = re.compile(r"^(?:它们?的|其|该)")
_DEMONSTRATIVE = re.compile(r"这些|这个|这家|这项|这批|这两|这几|上述|它们|他们")
_SHORT_FOLLOWUP = 12  # characters: longer questions say what they are about themselves
_SHARE = re.compile(r"占[^，。？]{0,8}(?:多少|几)")
_RATIO = re.compile(r"比例|比重|百分之几|几成")
# the question's ending: how many, in which unit ("多少万吨？"), whatever the unit
_TAIL = re.compile(rf"(是|有|为|达到?)?(多少|几)(?:个)?(?:{UNIT_PATTERN})?[？?。!！\s]*$|[？?。!！\s]+$")


class QuestionError(ValueError):
    """A question the assistant will not take; the message tells the user why."""


def check_question(text: object) -> str:
    if not isinstance(text, str):
        raise QuestionError("问题必须是文字")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise QuestionError("问题里有控制字符，请删除后再问")
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # lone surrogates: JSON "\ud800", undecodable argv
        raise QuestionError("问题里有无法识别的字符（编码损坏），请重新输入")
    text = text.strip()
    if not text:
        raise QuestionError("问题是空的，请输入要问的内容")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题太长（{len(text)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内")
    return text


@dataclass
class Turn:
    """What a follow-up needs of an earlier turn: the question and the answer the user was shown
    (its text, not its retrieved paragraphs: a conversation must stay small)."""

    asked: str
    standalone: str
    question: Question
    answer_shown: str


@dataclass
class Prepared:
    asked: str
    standalone: str
    question: Question
    hits: list
    timings: dict


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    # Follow-ups resolve against the last turns only; a public server must not keep thousands.
    MAX_TURNS = 20

    def previous(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        del self.turns[:-self.MAX_TURNS]

    # Kept between turns as plain JSON (conversations.py). The analysed question is stored, not
    # re-derived, so a record needs no index to load; its vector is left out (retrieval only).
    VERSION = 1

    def to_json(self) -> str:
        turns = [{"asked": t.asked, "standalone": t.standalone, "answer_shown": t.answer_shown,
                  "question": {f.name: getattr(t.question, f.name) for f in fields(Question) if f.name != "vector"}}
                 for t in self.turns]
        return json.dumps({"v": self.VERSION, "turns": turns}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Conversation:
        """ValueError for a record this code cannot read (another version, damaged): the caller
        starts a new conversation rather than guess."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != cls.VERSION or not isinstance(data.get("turns"), list):
            raise ValueError("a conversation record of another version")
        try:
            turns = [Turn(t["asked"], t["standalone"], Question(**t["question"]), t["answer_shown"])
                     for t in data["turns"]]
        except (KeyError, TypeError) as err:
            raise ValueError(f"a damaged conversation record: {err!r}") from err
        return cls(turns[-cls.MAX_TURNS:])


def resolve_followup(text: str, previous: Question | None, current: Question, places: Places,
                     previous_answer: str = "") -> str:
    """Rewrite an elliptical follow-up into a standalone question, or return it unchanged.
    `previous_answer` (what the user was last shown) tells which word a new one stands in for."""
    if previous is None:
        return text
    core = _LEAD.sub("", text.strip()).rstrip("？?。 ")
    ends_with_ne = core.endswith("呢")
    core = core.removesuffix("呢").strip()
    own_focus = [w for w in current.focus if _RELATIONAL_RE.sub("", w)]
    if ends_with_ne and current.places and not own_focus:
        return _swap_places(previous, current.places, places)  # 那安徽呢？
    basis = basis_alone(core)
    if basis:  # "按可比口径算的话呢？": the same question, of the figure stated on that basis
        return f"{basis}，{previous.text}"
    timed = _WHEN.sub("", core)  # "1978年的时候呢？" asks as "1978年呢？" does
    if ends_with_ne and not current.places and _TIME_ONLY.match(timed):
        return _swap_time(previous, timed)  # 1997年呢？
    if ends_with_ne and not current.places and not own_focus:
        return _TAIL.sub("", previous.text) + core + "是多少？"  # 同比增长呢？ said of the same figure
    if ends_with_ne and not current.places and _PREDICATE.match(core):
        return _said_of_the_same(previous) + core + "是多少？"  # 占农村人口总数的比例呢？
    if ends_with_ne and not current.places:
        return _swap_focus(previous, core, previous_answer)  # 签约资金呢？
    if ends_with_ne and set(current.places) <= set(previous.places):
        # "那从美国进口的呢？" after "…对美国出口中有多大比例是经香港实现的？": the same place, another
        # thing done with it; the rest of the question (经香港实现) still holds
        swapped = _swap_aligned(previous, core)
        if swapped:
            return swapped
    if ends_with_ne:  # 那安徽的就业人数呢？ 从美国进口呢？ (of the same time as before)
        time = "" if _TIME_IN.search(core) else "".join(_times_asked(previous.text))
        # a share asked before is asked again ("…有多大比例经香港？" then "那从美国进口的呢？"): not an amount
        ask = "占多少" if _SHARE.search(previous.text) else "的比例是多少" if _RATIO.search(previous.text) \
            else "是多少" if previous.wants_figure else ""
        return f"{time}{core.removesuffix('的') if ask.startswith('的') else core}{ask}？"
    if _LEAD.match(text.strip()) and current.places and previous.places and set(current.places) != set(previous.places) \
            and all(len(w) == 1 or w in previous.text for w in own_focus):
        # "那咱们中国挣了多少？" after "1997年美国的旅游收入是多少？": another place, nothing new of its own
        return _swap_places(previous, current.places, places)
    if not current.places and (not own_focus or _PREDICATE.match(core)):
        # 同比增长了多少？ 比年初增长了多少？ 在世界上排第几？ 其中高速公路有多少公里？: said of the same subject
        return (_said_of_the_same(previous) if _PREDICATE.match(core) else _TAIL.sub("", previous.text)) + text.strip()
    if not current.places and _DEMONSTRATIVE.search(core):
        # "那这些单位一共派下去多少名干部？": 这些 points back at the subject (and time) just asked about
        time = "" if _TIME_IN.search(core) else "".join(_times_asked(previous.text))
        context = time + "".join(_subject_of(previous, core))
        return context + core + "？" if context else text
    return text


def _said_of_the_same(previous: Question) -> str:
    """The previous question as what a comparison or share is said of: "1997年山西省有多少户军属脱贫？"
    → "1997年山西省有军属脱贫", so that "占全省军属贫困户的比重是多少" asks the share alone."""
    return re.sub(rf"(?:多少|几)个?(?:{UNIT_PATTERN})?", "", _TAIL.sub("", previous.text), count=1)


def in_context(text: str, previous: Question | None, current: Question) -> str:
    """"受益职工有多少？" after a question about 四川省: a short question naming no place or time of
    its own is asked of the place and time the conversation is about ("它的…" of that subject)."""
    core = _LEAD.sub("", text.strip())
    if previous is None or current.places or len(core) > _SHORT_FOLLOWUP:
        return text
    # "那1999年还要压多少？": a time of its own, the subject of the conversation's
    times = [] if _TIME_IN.search(core) else _times_asked(previous.text)
    context = "".join(times) + "".join(_subject_of(previous, core, whole=True))
    return context + _PRONOUN.sub("", core) if context else text


def _times_asked(text: str) -> list[str]:
    """The times a question asks about: "比1996年增长" measures from 1996, it does not ask of it."""
    return [m.group(0) for m in _TIME_IN.finditer(text) if text[m.start() - 1: m.start()] not in ("比", "较", "从", "于")]


def _swap_time(previous: Question, time: str) -> str:
    """The previous question asked of another time: its own time words replaced, or put in front."""
    if _TIME_IN.search(previous.text):
        return _TIME_IN.sub(time, previous.text, count=1)
    return time + previous.text


def _swap_places(previous: Question, new_places: list[str], places: Places) -> str:
    text = previous.text
    if not previous.places:
        # 淮阴市, a place of 1998 the gazetteer no longer lists, is still the place jieba names there
        named = _names_tagged(text, ("ns",))
        return text.replace(named[0], new_places[0], 1) if named else "".join(new_places) + text
    for old, new in zip(previous.places, new_places):
        names = sorted({*(a for a, c in places.aliases.items() if c == old and a in text), *([old] if old in text else [])},
                       key=len, reverse=True)
        if names:
            text = text.replace(names[0], new, 1)
    return text


def _swap_focus(previous: Question, core: str, previous_answer: str = "") -> str:
    """Replace the word of the previous question that the new one stands in for: 公务员岗位 →
    事业单位岗位 (they share 岗位), or 事业单位 → 企业 when the answer listed them side by side
    (“公务员18人、事业单位177人、企业400余人”); with nothing alike, ask the new thing of the
    same subject."""
    text = previous.text
    swapped = _swap_measure(previous, core) or _swap_aligned(previous, core)
    if swapped:
        return swapped
    for term in sorted(previous.focus, key=len, reverse=True):
        if len(term) >= 2 and term in text and _share_bigram(term, core):
            return text.replace(term, core, 1)
    for quoted in re.findall(r"“([^”]*)”", previous_answer):
        named = _listed_name(quoted, core, previous_answer, text)
        if named and named != core:
            # 肉类产品 → 禽蛋 ("…肉类产品50.2公斤、禽蛋17公斤"), 建成 → 投产 ("建成1408公里，投产1916公里")
            return text.replace(named, core, 1)
    for listing in re.findall(r"[^，。；：“”]*、[^，。；：“”]*", normalise(previous_answer)):
        if core in listing:
            terms = [t for t in sorted(previous.focus, key=len, reverse=True) if t in listing and t in text and t not in core]
            # "供应15公斤大米、0.5公斤食油": the new item takes the place of the word that stands where it
            # stands in the item next to it (大米, last before 、), not a word of the lead all items
            # share (特困职工)
            items = listing.split("、")
            at = next(i for i, item in enumerate(items) if core in item)
            if at > 0:
                terms.sort(key=lambda t: -items[at - 1].rfind(t))
            elif len(items) > 1:
                terms.sort(key=lambda t: items[1].find(t) if t in items[1] else len(items[1]))
            if terms:
                return text.replace(terms[0], core, 1)
    counterpart = _counterpart(previous, core)
    if counterpart:
        return text.replace(counterpart, core, 1)
    # with no place or organisation to carry, the subject is in the rest of the question's words
    if not _subject_of(previous, core):
        return _swap_asked(previous, core) or _swap_named_quantity(previous, core) or _same_subject(previous, core)
    return _same_subject(previous, core)


def _counterpart(previous: Question, core: str) -> str:
    """"那进口呢？" after "…对美国的加工贸易出口是多少？": a two-character word of the same part of speech
    and the same head (口) is the new word's counterpart, and whose trade and of which kind (加工贸易)
    still hold. (就业, a verb, is no counterpart of 企业.)"""
    if len(core) != 2:
        return ""
    flag = _tag(core)
    return next((t for t in previous.focus if len(t) == 2 and t != core and t[-1] == core[-1]
                 and t in previous.text and _tag(t) == flag), "")


def _tag(word: str) -> str:
    tagged = jieba.posseg.lcut(word)
    return tagged[0].flag if len(tagged) == 1 else ""


def _swap_named_quantity(previous: Question, core: str) -> str:
    """"进口呢？" after "1997年我国国有企业出口额是多少？": the quantity the question named by its kind
    (出口额, 总产值) gives way to the new thing, and whose it was (我国国有企业, which jieba tags as
    no organisation) stays."""
    named = quantity_asked(previous)
    if not named or named not in previous.text or not re.fullmatch(r"[\u4e00-\u9fff]{2,}", core) or core in named:
        return ""
    if not all(t.flag.startswith(("n", "v")) for t in jieba.posseg.lcut(core)):
        return ""
    return previous.text.replace(named, core, 1)


def _swap_asked(previous: Question, core: str) -> str:
    """"那天然气呢？" after "1997年我国海上油田一共采了多少原油？": the thing the question counted (the
    noun beside its question word) is replaced, and the rest of it (海上油田, 一共采了) still holds."""
    asked = asked_quantity(previous)
    # only the noun the question word counts ("多少原油"): one before it ("核销呆坏账多少") goes with
    # its own verb, which the new thing need not share
    counted = re.search(rf"(多少|几)[个十百千万亿]*(?:{UNIT_PATTERN})?{re.escape(asked)}", previous.text) if len(asked) >= 2 else None
    if counted is None or not re.fullmatch(r"[\u4e00-\u9fff]+", core):
        return ""
    if not all(t.flag.startswith("n") for t in jieba.posseg.lcut(asked)):
        return ""  # 增长, 采: an action, not the thing counted
    # "多少万吨原油" → "多少天然气": the unit was the old thing's
    text = previous.text
    return text[: counted.start()] + counted.group(1) + core + text[counted.end():]


def _listed_name(sentence: str, core: str, previous_answer: str, asked: str) -> str:
    """What the earlier answer's figure is called in the sentence it quoted, when the new words name
    another item of the same list, in the same unit ("全国人均占有肉类产品50.2公斤、禽蛋17公斤", "建成
    1408公里，投产1916公里"): what its item prints before the figure, after the lead all items share (its last verb),
    or that verb when the item names nothing else; only when the earlier question asked by it."""
    stated = find_figures(normalise(previous_answer.split("\n", 1)[0]))
    if not stated:
        return ""
    items = re.split(r"[、，,；;]", normalise(sentence))
    # items of one list of like quantities: "接待游客482万人次，实现旅游收入51.32亿元" is no such list
    if not any(core in item and any(f.unit == stated[0].unit for f in find_figures(item)) for item in items):
        return ""
    for item in items:
        mine = next((f for f in find_figures(item) if f.value == stated[0].value and f.unit == stated[0].unit), None)
        if mine is None or core in item:
            continue
        named_after = item[mine.end:].strip()
        if len(named_after) >= 2 and named_after in asked:
            return named_after  # "供应15公斤大米、0.5公斤食油": each item's noun follows its figure
        lead = item[: mine.start]
        cut = after_last_verb(lead)
        name = lead[cut:] or next((w.word for w in reversed(jieba.posseg.lcut(lead)) if w.flag.startswith("v")), "")
        return name if len(name) >= 2 and name in asked else ""
    return ""


def _same_subject(previous: Question, core: str) -> str:
    """财政收入呢？ after "1997年淮阴市国内生产总值是多少？": the new thing asked of the same time and
    subject (the places and organisations jieba names, known to the gazetteer or not), and asked the
    same way (占多少 stays a share)."""
    time = "".join(t for t in _times_asked(previous.text) if t not in core)
    ask = "占多少" if _SHARE.search(previous.text) else "是多少"
    return f"{time}{''.join(_subject_of(previous, core))}{core}{ask}？"


def _subject_of(previous: Question, core: str, whole: bool = False) -> list[str]:
    """Whom the previous question was about: its places, and the places and organisations jieba
    names in it (浦东, a district the gazetteer lists only as 浦东新区); `whole`: and the nouns it opens
    with, for a short question that names nothing of its own (in_context)."""
    text = previous.text
    # members of a list ("德江、务川、天柱等12个县") are not the subject: the list is
    named = [w for w in _names_tagged(text, ("ns", "nt")) if f"{w}、" not in text and f"、{w}" not in text]
    # "浙江富润集团又兼并了…", "全国国有铁路完成…": the nouns the question opens with name its subject whole
    opening = _opening_nouns(text) if whole else ""
    subject = [opening, *previous.places, *named] if opening else [*previous.places, *named]
    return [w for w in dict.fromkeys(subject) if w not in core and not any(w in o for o in subject if o != w)]


def _opening_nouns(text: str) -> str:
    """The run of nouns a question opens with, after its time ("1997年浙江富润集团又兼并了" → 浙江富润集团),
    when it is more than one place's name."""
    tokens = jieba.posseg.lcut(_TIME_IN.sub(lambda m: " " * len(m.group(0)), text))
    run: list[tuple[str, str]] = []
    after = ""
    for t in tokens:
        if not run and (not t.word.strip() or t.flag in ("m", "t")):
            continue
        if t.flag[:1] in ("n", "b", "j", "s") or (run and t.flag == "c" and t.word in ("和", "与", "及")):
            run.append((t.word, t.flag))
            continue
        after = t.word
        break
    if after in ("、", "等"):
        return ""  # "德江、务川、天柱等12个县": a list is the subject, not its first member
    if re.match(r"多少|几|是|有|为|达", after) and run:
        run.pop()  # "国有企业出口额是多少": the last noun is the quantity asked, not whose it is
    while run and run[-1][1] == "c":
        run.pop()
    words = "".join(w for w, _ in run)
    # "本钢对多少个主体厂矿…": one noun before a preposition (对, 向, 给, 把) is the topic the question is about
    topic = len(run) == 1 and len(words) >= 2 and after in ("对", "向", "给", "把", "为")
    return words if len(run) >= 2 and len(words) >= 4 or topic else ""


def _names_tagged(text: str, flags: tuple[str, ...]) -> list[str]:
    """Names of two characters or more that jieba tags as places (ns) or organisations (nt)."""
    return [t.word for t in jieba.posseg.lcut(text) if t.flag in flags and len(t.word) >= 2]


def _swap_aligned(previous: Question, core: str) -> str:
    """低于规定标准 for 等于规定标准, 长期内 for 短期内, 事业单位岗位 for 公务员岗位: the new words share a
    run of characters with the old question; what stands around that run in the new words takes the
    place of what stands around it there (whole question words where they end or start at the run)."""
    new = core.removesuffix("的")
    text = previous.text
    common = longest_common(new, text)
    if len(common) < 2 or common == new or not re.fullmatch(r"[\u4e00-\u9fff]+", common):
        return ""
    i, at = new.find(common), text.find(common)
    left, right = new[:i], new[i + len(common):]
    start, end = at, at + len(common)
    for term in previous.focus:  # 贫困 in 贫困村: the whole word the run is part of is replaced
        for m in re.finditer(re.escape(term), text):
            if m.start() < at + len(common) and m.end() > at:
                start, end = min(start, m.start()), max(end, m.end())
    if start == at:
        start -= _reach(text[:at], left, previous.focus, backwards=True)
    if end == at + len(common):
        end += _reach(text[end:], right, previous.focus, backwards=False)
    return text[:start] + new + text[end:]


def _reach(text: str, new_part: str, focus: list[str], *, backwards: bool) -> int:
    """How many characters of `text` (beside the shared run) the new part replaces: the question
    words that touch the run, or as many characters as the new part has."""
    if not new_part:
        return 0
    reach, rest = 0, text
    for _ in range(2):
        touching = next((t for t in focus if len(t) >= 2 and (rest.endswith(t) if backwards else rest.startswith(t))), None)
        if touching is None or reach >= len(new_part):
            break
        reach += len(touching)
        rest = rest[: -len(touching)] if backwards else rest[len(touching):]
    if reach == 0:
        stop = re.search(r"[^\u4e00-\u9fff]", text[::-1] if backwards else text)
        reach = min(len(new_part), stop.start() if stop else len(text))
    return reach


def _swap_measure(previous: Question, core: str) -> str:
    """转岗培训率 → 再就业率: a rate stands for a rate, an amount for an amount. The measure asked
    before is the run of question words that ends in the same character (率, 额, 量 …)."""
    if len(core) < 2 or core[-1] not in _MEASURE_SUFFIX:
        return ""
    text = previous.text
    for m in re.finditer(re.escape(core[-1]), text):
        start = m.start()
        for _ in range(2):
            before = next((t for t in previous.focus if len(t) >= 2 and text[:start].endswith(t)), None)
            if before is None:
                break
            start -= len(before)
        if start < m.start():
            return text[:start] + core + text[m.end():]
    return ""


def _share_bigram(a: str, b: str) -> bool:
    return any(a[i: i + 2] in b for i in range(len(a) - 1))


class Assistant:
    """Answers questions over one index; stateless apart from the conversations it is given."""

    def __init__(self, settings: Settings, index: HybridIndex | None = None, llm=None) -> None:
        self.settings = settings
        self.index = index or open_index(settings)
        self.places = Places.load()
        self.retriever = HybridRetriever(self.index, settings)
        extractor = Extractor(self.index, self.places)
        judge = fitted_judge(extractor) if settings.reader == "judged" else None
        generator = None
        if settings.llm != "extractive":
            from .llm import make_llm

            generator = llm or make_llm(settings)
        verifier = None
        if judge and settings.verifier == "local":
            # the generative backend's model, when it is the same local one: loaded once (~1.1 GB)
            verifier = local_verifier(settings.gguf, model=generator if isinstance(generator, LocalGGUF) else None)
        self.extractive = ExtractiveAnswerer(extractor, learned_reader(extractor) if settings.reader == "learned" else None,
                                             judge, verifier)
        self.answerer: Answerer = self.extractive
        if generator is not None:
            from .llm import GenerativeAnswerer

            self.answerer = GenerativeAnswerer(generator, self.extractive)
        self._lock = threading.Lock()  # the embedding engine is not re-entrant

    def analyse(self, text: str) -> Question:
        return analyse(text, self.index.tokenizer, self.places)

    def ask(self, text: str, conversation: Conversation | None = None, *, scope: Scope | None = None) -> Answer:
        *_, final = self.ask_stream(text, conversation, scope=scope)  # the last piece is the Answer
        return final

    def prepare(self, text: str, conversation: Conversation, scope: Scope | None = None) -> Prepared:
        """The standalone question, analysed, with its retrieved paragraphs and its vector."""
        asked = check_question(text)
        previous = conversation.previous()
        current = self.analyse(asked)
        standalone = resolve_followup(asked, previous.question if previous else None, current, self.places,
                                      previous.answer_shown if previous else "")
        rewritten = self.answerer.rewrite([t.asked for t in conversation.turns], asked) \
            if standalone == asked and previous is not None and len(asked) <= 15 else None
        if rewritten is not None:
            standalone = check_question(rewritten)
        elif standalone == asked:
            standalone = in_context(asked, previous.question if previous else None, current)
        question = current if standalone == asked else self.analyse(standalone)
        if standalone != asked and previous is not None and previous.question.wants_figure \
                and question.headline and not question.wants_figure:
            # "利税呢？" after "…1997年工业总产值？": the same kind of question of another quantity
            standalone = standalone.rstrip("？?") + "是多少？"
            question = self.analyse(standalone)
        if standalone != asked and previous is not None:
            question.answered_before = stated_figures_of(previous.answer_shown)
            question.asked_before = previous.question.text
        # 西藏 in a Tibetan daily names no particular source: only other places constrain
        extractor = self.extractive.extractor
        question.places = [p for p in question.places if p not in extractor.home]
        query = " ".join([question.text, *question.places])
        synonyms = [alt for term in question.focus for alt in extractor.synonyms.of(term)]
        with self._lock:
            t0 = time.perf_counter()
            question.vector = self.retriever.embed(query)
            embed_ms = (time.perf_counter() - t0) * 1000
            hits = self.retriever.search(query, terms=[*question.places, *synonyms], vector=question.vector,
                                         scope=scope)
            timings = {**self.retriever.last_timings, "embed_ms": embed_ms}
        return Prepared(asked, standalone, question, hits, timings)

    def ask_stream(self, text: str, conversation: Conversation | None = None, *, scope: Scope | None = None):
        """Yields the answer text as it is written (one piece for the extractive answerer, tokens
        for a generative one), then the final, verified `Answer`."""
        started = time.perf_counter()
        conversation = conversation if conversation is not None else Conversation()
        prepared = self.prepare(text, conversation, scope)  # scope: the pages it may answer from
        asked, question, hits, timings = prepared.asked, prepared.question, prepared.hits, prepared.timings
        t0 = time.perf_counter()
        answer = None
        # numbers the user wrote (now or in earlier turns) are theirs, not the model's claims
        user_text = " ".join([asked, prepared.standalone, *(t.asked for t in conversation.turns)])
        for piece in self.answerer.stream(question, hits, asked=asked, user_text=user_text):
            if isinstance(piece, str):
                yield piece
            else:
                answer = piece
        assert answer is not None, "an answerer's stream ends with its Answer"
        timings["answer_ms"] = (time.perf_counter() - t0) * 1000
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer.hits = hits
        answer.timings_ms = timings
        answer.standalone_question = question.text if prepared.standalone != asked else asked
        conversation.add(Turn(asked, prepared.standalone, question, answer.body()))
        yield answer


def fitted_judge(extractor: Extractor) -> Judge | None:
    """The judge fitted by `assistant train-reader` over the rule scorer's candidates, or None (the
    rule scorer decides alone) where none has been written."""
    if not JUDGE_FILE.exists():
        return None
    return Judge(extractor, JudgeModel.load(JUDGE_FILE))


def learned_reader(extractor: Extractor) -> Reader | None:
    """The fitted reader, or None (the rule scorer) until `assistant train-reader` has written one."""
    if not MODEL_FILE.exists():
        return None
    return Reader(extractor, ReaderModel.load(MODEL_FILE))


def answer_record(assistant: Assistant, row: dict) -> dict:
    """One line of the batch format: replay `history` in one conversation, then answer `question`."""
    conversation = Conversation()
    try:
        for earlier in row.get("history") or []:
            assistant.ask(earlier, conversation)
        started = time.perf_counter()
        answer = assistant.ask(row.get("question"), conversation)
    except QuestionError as err:
        return {"id": row.get("id"), "question": row.get("question"), "answer": f"错误：{err}", "refused": True,
                "citations": [], "latency_ms": 0.0, "error": str(err)}
    return {
        "id": row.get("id"),
        "question": row["question"],
        "standalone_question": answer.standalone_question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {"paragraph_id": c.paragraph_id, "source_file": c.source_file, "article": c.article, "text": c.text}
            for c in answer.citations
        ],
        "retrieved": [h.paragraph.paragraph_id for h in answer.hits],
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "replaced": answer.replaced,
        "draft": answer.draft,
    }


def stated_figures_of(answer_shown: str) -> list[str]:
    """The figures an answer stated on its own line ("答：609.7亿美元。"), not those it quoted or computed from."""
    line = answer_shown.split("\n", 1)[0]
    return [f.text for f in find_figures(line) if f.kind != "date"] if line.startswith("答") else []
