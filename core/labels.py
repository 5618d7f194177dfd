"""Chinese labels shared by every front end (terminal, bot) for the engine's names."""

from __future__ import annotations

CHECKS = {
    "stock_phrases": "套话",
    "no_example": "不见人不见事",
    "merit_as_problem": "以成绩代替问题",
    "soft_criticism": "批评不辣",
    "cause_restates_problem": "原因与问题混同",
    "vague_measure": "措施空泛",
    "structure": "结构",
    "typo": "错别字",
}
SEVERITIES = {"high": "重要", "medium": "一般", "low": "提示"}
BREAKDOWN = {
    "coverage": "覆盖各方面",
    "specificity": "具体（见人见事）",
    "originality": "原创（少套话）",
    "sharpness": "批评力度",
    "structure": "结构规范",
    "measures": "措施可检验",
}
SECTIONS = {"problem": "存在的问题", "cause": "原因分析", "measure": "整改措施", None: "未分节"}
