"""How the bot presents itself in Telegram: command menus per kind of chat, and descriptions.

Private chats get every command. Groups get only what is meant to be used in front of others:
a user's own records (/history, /show, /delete, /forget) stay out of group menus, as they are
answered in private chats only (bot/app.py register()).
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

PRIVATE_COMMANDS = (
    BotCommand("start", "开始使用与示例"),
    BotCommand("help", "使用说明"),
    BotCommand("dimension", "查看某一方面的语料示例，如 /dimension 廉洁自律"),
    BotCommand("dimensions", "当前方案的各方面及说明"),
    BotCommand("scheme", "查看或选择方案（年度方面），如 /scheme 2024"),
    BotCommand("history", "最近十次审阅记录"),
    BotCommand("show", "重新查看一次审阅，如 /show 3"),
    BotCommand("word", "一次审阅的 Word 批注版，如 /word 3"),
    BotCommand("compare", "比较两个版本的审阅，如 /compare 3 5"),
    BotCommand("delete", "删除一次审阅，如 /delete 3"),
    BotCommand("forget", "删除我的全部记录"),
    BotCommand("review", "（群聊）回复一条消息以审阅它"),
    BotCommand("share", "把我的一次审阅分享到当前聊天，如 /share 3"),
)
GROUP_COMMANDS = (
    BotCommand("review", "回复一条材料消息并发送，审阅该消息"),
    BotCommand("share", "把我的一次审阅分享到本群，如 /share 3"),
    BotCommand("dimension", "查看某一方面的语料示例，如 /dimension 廉洁自律"),
    BotCommand("help", "使用说明"),
)
# Shown in an empty chat before the first /start (at most 512 characters).
DESCRIPTION = (
    "您好！我是材料审阅助手，为起草对照检查材料的同志提供参考：按材料所属年度的方面评分，"
    "指出与已有材料近似（照搬套话）的段落及出处，提示需要写实、写具体的地方。\n\n"
    "开始：直接发送材料文字，或上传 .txt、.docx 文件；在群聊中，回复一条消息并发送 /review。\n"
    "您的材料只保存在您自己的记录中，可随时发送 /forget 删除。"
)
# Shown on the bot's profile and when it is shared (at most 120 characters).
SHORT_DESCRIPTION = (
    "审阅对照检查材料：按年度方面评分，查找近似段落。发送材料文字或 .txt、.docx 文件即可开始。"
)


async def publish(bot: Bot) -> None:
    """Set the descriptions and both menus; the private menu last, as the sign start-up is done."""
    await bot.set_my_description(DESCRIPTION)
    await bot.set_my_short_description(SHORT_DESCRIPTION)
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
