"""One defect of each kind a reviewer flags, as an edit of a clean draft written for these tests
(tests/core/data/clean_draft.txt, not from the seeds or any page). Each edit replaces a passage
that occurs once in the draft; `check` and `code` are what the reviewer should then say there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CLEAN = (Path(__file__).parent / "data" / "clean_draft.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Defect:
    name: str
    old: str
    new: str
    check: str
    code: str
    # Where the finding must sit: this text (once in the edited draft; `new` when empty). An item
    # with no example is named by its first sentence, which the edit may leave as it was.
    at: str = ""
    # Other codes the edit rightly brings along (a measure that says nothing answers nothing).
    also: tuple[str, ...] = ()

    def apply(self, text: str) -> str:
        assert text.count(self.old) == 1, f"{self.name}: the passage must occur once"
        return text.replace(self.old, self.new)

    def place(self, text: str) -> tuple[int, int]:
        """Where the finding must sit in a text the defect was applied to."""
        where = self.at or self.new
        assert text.count(where) == 1, f"{self.name}: the place must occur once"
        start = text.index(where)
        return start, start + len(where)


DEFECTS = (
    Defect(
        "idiom_slip",
        "缺少将心比心",
        "缺少将心必心",
        "typo",
        "typo.fixed_expression",
        at="将心必心",
    ),
    Defect(
        "formula_slip",
        "今年4月学习全国两会精神后",
        "今年4月学习习近平新时代中国特色社会主意思想后",
        "typo",
        "typo.formula",
        at="习近平新时代中国特色社会主意思想",
    ),
    Defect(
        "formula_gap",
        "才补上专题研讨",
        "才补上运用近平新时代中国特色社会主义思想推进城市更新的专题研讨",
        "typo",
        "typo.formula",
        at="近平新时代中国特色社会主义思想",
    ),
    Defect(
        "doubled",
        "对管线迁改的难度估计不足",
        "对管线迁改的的难度估计不足",
        "typo",
        "typo.doubled",
        at="的的",
    ),
    Defect(
        "no_example",
        "今年我到基层调研11次，其中7次是听汇报、看展板，真正进社区入户的只有4次，"
        "对背街小巷停车难的情况掌握不准。",
        "到基层调研多是听汇报、看展板，深入群众不够，对情况掌握不准。",
        "no_example",
        "no_example.no_concrete",
        at="一是调查研究不够扎实。",
    ),
    Defect(
        "merit_opening",
        "一是遇到难题有等待心理。",
        "一是虽然能够始终坚持原则、主动担当作为，认真履行分管职责，但遇到难题有等待心理。",
        "merit_as_problem",
        "merit_as_problem.merit_opening",
    ),
    Defect(
        "praise",
        "一是学习与分管工作结合不紧。",
        "一是学习与分管工作结合不紧，虽然分管科室连续两年被评为全市先进集体。",
        "merit_as_problem",
        "merit_as_problem.praise",
    ),
    Defect(
        "hedged",
        "一是对意识形态风险警觉不够。",
        "一是个别时候对意识形态风险有所忽视，警觉性还有待提高。",
        "soft_criticism",
        "soft_criticism.hedged",
    ),
    Defect(
        "hope",
        "导致群众误解扩大。",
        "导致群众误解扩大，希望自己今后对网络舆情更加重视。",
        "soft_criticism",
        "soft_criticism.hope",
    ),
    Defect(
        "stock",
        "耽误了老旧小区改造方案的编制。",
        "耽误了老旧小区改造方案的编制。理论学习不够深入，学用结合不够紧密，学以致用的能力不强。",
        "stock_phrases",
        "stock_phrases.stock",
        at="理论学习不够深入，学用结合不够紧密，学以致用的能力不强。",
    ),
    Defect(
        "vague_measure",
        "四是今后每季度至少入户调研5次，2024年一季度形成背街小巷停车问题调研报告。",
        "四是进一步加强调查研究，不断改进工作作风，切实提高服务群众水平。",
        "vague_measure",
        "vague_measure.vague",
    ),
    Defect(
        "listed_slip",
        "仍按部就班走程序",
        "仍按步就班走程序",
        "typo",
        "typo.confusion",
        at="按步就班",
    ),
    Defect(
        "quotes",
        "每月围绕一项城市更新政策",
        "每月围绕一项“城市更新政策",
        "typo",
        "typo.quotes",
        at="“",
    ),
    Defect(
        "traditional",
        "工期比计划推迟了45天",
        "工期比計划推迟了45天",
        "typo",
        "typo.traditional",
        at="計",
    ),
    Defect(
        "others_not_me",
        "今年春节，我爱人代我收下一位工程承包商送来的两盒茶叶，我知道后虽然退回，但没有主动向组织报告。",
        "今年春节，有的同志家属收下工程承包商送来的两盒茶叶，事后虽然退回，但没有主动向组织报告。",
        "no_example",
        "no_example.not_first_person",
        at="一是对亲属要求不够严格。",
    ),
    Defect(
        "restates",
        "三是纪律规矩意识不强，对小事小节放松要求，心存侥幸。",
        "三是对亲属要求不够严格，爱人收下茶叶后没有主动向组织报告。",
        "cause_restates_problem",
        "cause_restates_problem.restates",
    ),
    Defect(
        "blames",
        "一是理想信念有所松劲，把学习当任务完成，没有用理论改造主观世界。",
        "一是工作任务繁重，事务性工作多，挤占了学习时间。",
        "cause_restates_problem",
        "cause_restates_problem.blames_circumstances",
    ),
    Defect(
        "unanswered",
        "五是本月内向组织书面说明收受茶叶一事，每半年与家属谈话一次并记录在案。",
        "五是进一步严格要求自己，自觉接受监督。",
        "vague_measure",
        "vague_measure.unanswered",
        at="三、整改措施",
        also=("vague_measure.vague", "stock_phrases.stock"),
    ),
)
