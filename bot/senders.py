"""Who sent an update: history belongs to one person, never to a placeholder account.

Telegram sends anonymous group admins, people posting as a channel and a linked channel's
automatic forwards under shared placeholder accounts, the same id in every group. History kept
under such an id would be one history for all of them, readable and deletable by any of them.
"""

from __future__ import annotations

from telegram import InlineQueryResultsButton, Update

# The placeholders' `from` ids: GroupAnonymousBot (anonymous admins), Channel_Bot (posting as a
# channel) and Telegram's service account (a linked channel's automatic forwards). The real
# sender, if any, is then in `sender_chat`, which is checked too: new placeholders may appear.
GROUP_ANONYMOUS_BOT = 1087968824
CHANNEL_BOT = 136817688
SERVICE_ACCOUNT = 777000
PLACEHOLDERS = frozenset({GROUP_ANONYMOUS_BOT, CHANNEL_BOT, SERVICE_ACCOUNT})

NOT_A_PERSON = (
    "匿名管理员或以频道身份发送的消息无法使用审阅记录。"
    "请在与我的私聊中使用，或在群里以个人身份（关闭匿名）发送。"
)
NOT_A_PERSON_UNSAVED = (
    "匿名或以频道身份发起的审阅不保存到历史记录；"
    "如需保存，请在私聊中发送材料，或以个人身份发送 /review。"
)


def is_person(update: Update) -> bool:
    """True when the update comes from one identifiable human account."""
    user = update.effective_user
    if user is None or user.is_bot or user.id in PLACEHOLDERS:
        return False
    # A button press's message is the bot's own; only a message the user sent can speak for them.
    sent = update.effective_message if update.callback_query is None else None
    return sent is None or (sent.sender_chat is None and not sent.is_automatic_forward)


async def require_person(update: Update) -> bool:
    """True for a person; otherwise refuse politely where the update came from, and False."""
    if is_person(update):
        return True
    if update.callback_query is not None:
        await update.callback_query.answer(NOT_A_PERSON, show_alert=True)
    elif update.inline_query is not None:
        button = InlineQueryResultsButton(text="请以个人账号在私聊中使用", start_parameter="help")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(NOT_A_PERSON)
    return False
