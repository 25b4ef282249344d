"""What the bot says around the passages, in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable

from cepf_bot.types import Correction, Lang

EN, ZH = Lang.EN, Lang.ZH

TEXTS: dict[str, dict[Lang, str]] = {
    "start": {
        ZH: "你好！我回答关于中国生物多样性保护与绿色发展基金会（中国绿发会）的问题，"
            "答案直接摘自基金会公开的简介：会员身份、国际公约观察员、合作项目、收支情况等。\n"
            "直接发问，或点下面的示例：",
        EN: "Hello! I answer questions about the China Biodiversity Conservation and Green "
            "Development Foundation (CBCGDF, 中国绿发会) with passages from its own published "
            "profile: memberships, observer status, projects, finances.\n"
            "Ask me anything, or tap an example:",
    },
    "help": {
        ZH: "<b>怎么问</b>\n"
            "• 私聊：直接发送问题，例如“绿发会是哪些国际组织的会员？”\n"
            "• 群组：发送 /ask 加问题，或 @提到我，或回复我的消息。\n"
            "• 任意聊天：输入 @{username} 加问题，选择一段答案发出。\n"
            "可以用简体、繁体或英文提问。我只用基金会原文回答，找不到时会直说。\n"
            "/about 显示我知道哪些资料。",
        EN: "<b>How to ask</b>\n"
            "• Private chat: just send your question, e.g. “Who is the secretary general?”\n"
            "• Groups: /ask followed by the question, mention me, or reply to my message.\n"
            "• Any chat: type @{username} and your question, then pick a passage to send.\n"
            "Ask in English, simplified or traditional Chinese. I answer only with the "
            "foundation's own text, and say so when it has no answer.\n"
            "/about shows what I know.",
    },
    "no_answer": {
        ZH: "抱歉，基金会的资料里没有这个问题的答案。可以试试这些：",
        EN: "Sorry, the foundation's profile does not answer that. You could try:",
    },
    "chat_greeting": {ZH: "你好！我回答关于中国绿发会的问题，答案摘自基金会自己的资料。试试：",
                      EN: "Hello! I answer questions about CBCGDF from its own profile. Try:"},
    "chat_thanks": {ZH: "不客气！还想了解什么？", EN: "You're welcome! Anything else?"},
    "chat_goodbye": {ZH: "再见！随时回来问我。", EN: "Goodbye! Ask me any time."},
    "chat_identity": {ZH: "我是中国绿发会的问答机器人，用基金会公开的资料回答问题，"
                          "原文引用。试试：",
                      EN: "I'm a bot that answers questions about CBCGDF (中国绿发会), quoting "
                          "its own published profile. Try:"},
    "chat_capability": {ZH: "我能回答绿发会的会员身份、观察员地位、合作项目、收支情况和基金会"
                            "本身的问题。试试：",
                        EN: "I can answer questions about the foundation's memberships, "
                            "observer status, projects, finances and the foundation itself. "
                            "Try:"},
    "chat_welcome": {ZH: "你好！我回答关于中国绿发会的问题，答案摘自基金会自己的资料。"
                         "输入问题后按回车（“更多”看下一页，“退出”结束），或输入示例的编号：",
                     EN: "Hello! I answer questions about CBCGDF from its own profile. Type a "
                         "question and press Enter (“more” for the next page, “quit” to "
                         "leave), or the number of an example:"},
    "chat_more_hint": {ZH: "（输入“更多”看更多结果）", EN: "(type “more” for more results)"},
    "full": {ZH: "全文", EN: "Full text"},
    "only_asker": {ZH: "只有提问的人可以评价这个回答。",
                   EN: "Only the person who asked can rate this answer."},
    "ask_usage": {ZH: "请在 /ask 后面写上问题，例如：/ask 绿发会的收入总额是多少？",
                  EN: "Put your question after /ask, e.g. /ask What is the total income?"},
    "more": {ZH: "更多结果", EN: "More results"},
    "answer": {ZH: "答：", EN: "Answer: "},
    "closest": {ZH: "资料里没有找到确切的答案，最接近的是：",
                EN: "I could not find an exact answer; the closest passages are:"},
    "gloss": {ZH: "英文要点：", EN: "In English, term by term: "},
    "key_terms": {ZH: "要点：", EN: "Key terms: "},
    "read_as": {ZH: "（以 {words} 理解）", EN: "(read as: {words})"},
    "thanks_up": {ZH: "谢谢！很高兴有帮助 👍", EN: "Thanks! Glad it helped 👍"},
    "thanks_down": {ZH: "谢谢反馈，我们会补充资料 👎", EN: "Thanks, we'll use this to improve 👎"},
    "no_more": {ZH: "没有更多结果了。", EN: "No more results."},
    "expired": {ZH: "这个按钮已失效，请重新提问。",
                EN: "This button has expired; please ask again."},
    "rate_limited": {ZH: "你问得太快了，请稍等一分钟再问。",
                     EN: "You are asking very quickly; please wait a minute and ask again."},
    "not_admin": {ZH: "抱歉，只有管理员可以这样做。",
                  EN: "Sorry, only the bot's administrators can do that."},
    "reindex_ok": {ZH: "已重建索引：{documents} 个文档（{formats}），{passages} 个段落，"
                       "用时 {seconds:.2f} 秒。",
                   EN: "Reindexed: {documents} documents ({formats}), {passages} passages in "
                       "{seconds:.2f} s."},
    "reindex_failed": {ZH: "重建索引失败：{error}\n旧索引继续使用。",
                       EN: "Reindex failed: {error}\nThe previous index keeps answering."},
    "about": {ZH: "我根据 {documents} 个文档、{passages} 个段落回答，索引建于 {built_at}。\n文档：",
              EN: "I answer from {documents} documents, {passages} passages; index built "
                  "{built_at}.\nDocuments:"},
    "about_more": {ZH: "……还有 {more} 个文档", EN: "… and {more} more"},
    "documents_head": {ZH: "{documents} 个文档，{passages} 个段落",
                       EN: "{documents} documents, {passages} passages"},
    "documents_line": {ZH: "{format} · {passages} 段", EN: "{format} · {passages} passages"},
    "stats_head": {ZH: "记录了 {questions} 个问题，已回答 {share}；👍 {up}，👎 {down}",
                   EN: "{questions} questions logged, {share} answered; 👍 {up}, 👎 {down}"},
    "stats_unanswered": {ZH: "没答上", EN: "no answer"},
    "stats_closest": {ZH: "只有最接近的段落", EN: "closest passages only"},
    "stats_down_voted": {ZH: "被点 👎", EN: "voted 👎"},
    "stats_none": {ZH: "没有没答上或被点 👎 的问题。",
                   EN: "No question left unanswered or voted down."},
    "stats_off": {ZH: "问题记录已关闭（CEPF_QUERY_LOG=off）。",
                  EN: "The query log is off (CEPF_QUERY_LOG=off)."},
    "apology": {ZH: "抱歉，我这边出了点问题，请再试一次。",
                EN: "Sorry, something went wrong on my side. Please try again."},
    "upload_not_yours": {ZH: "只有发送这个文件的管理员可以决定。",
                         EN: "Only the admin who sent the file can decide."},
    "upload_too_large": {ZH: "文件太大（{size:.1f} MB），这种格式最多 {limit} MB。资料库没有改变。",
                         EN: "The file is too large ({size:.1f} MB); this format takes at most "
                             "{limit} MB. The corpus is unchanged."},
    "upload_unsupported": {ZH: "资料库不收这种格式的文件（{name}）。可以发送：{formats}。",
                           EN: "The corpus does not take this format ({name}). It takes: "
                               "{formats}."},
    "upload_duplicate": {ZH: "资料库里已经有同样的文件：{id}。资料库没有改变。",
                         EN: "The same file is in the corpus already, as {id}. The corpus is "
                             "unchanged."},
    "upload_no_text": {ZH: "这个文件没有可以索引的文字（是扫描的 PDF 吗？）。资料库没有改变。",
                       EN: "This file has no text to index (a scanned PDF?). The corpus is "
                           "unchanged."},
    "upload_unreadable": {ZH: "无法读取这个文件，它可能已损坏或加密（{detail}）。资料库没有改变。",
                          EN: "This file cannot be read; it may be damaged or encrypted "
                              "({detail}). The corpus is unchanged."},
    "upload_download_failed": {ZH: "从 Telegram 下载文件失败（{error}），请再发送一次。",
                               EN: "Downloading the file from Telegram failed ({error}); "
                                   "please send it again."},
    "upload_failed": {ZH: "无法加入这个文件：{error}\n资料库没有改变。",
                      EN: "Cannot add this file: {error}\nThe corpus is unchanged."},
    "upload_preview": {
        ZH: "<b>{title}</b>\n{name} · {format} · {passages} 个段落\n{change}\n\n第一段：\n{first}",
        EN: "<b>{title}</b>\n{name} · {format} · {passages} passages\n{change}\n\n"
            "First passage:\n{first}",
    },
    "upload_new": {ZH: "这是新文档。", EN: "This is a new document."},
    "upload_replaces": {
        ZH: "将替换同名文档：新增 {added} 段，删除 {removed} 段，{kept} 段不变。",
        EN: "It replaces the document of that name: {added} passages added, {removed} "
            "removed, {kept} unchanged.",
    },
    "upload_add": {ZH: "加入资料库", EN: "Add to the corpus"},
    "upload_cancel": {ZH: "取消", EN: "Cancel"},
    "upload_cancelled": {ZH: "已取消，资料库没有改变。", EN: "Cancelled; the corpus is unchanged."},
    "upload_added": {ZH: "已加入 {name}，索引已更新：{documents} 个文档，{passages} 个段落。",
                     EN: "Added {name}; the index now has {documents} documents, "
                         "{passages} passages."},
    "faq_label": {ZH: "常见问题", EN: "FAQ"},
    "faq_notify": {ZH: "有答复时通知我", EN: "Tell me when staff answer"},
    "faq_notify_ok": {ZH: "好的，工作人员回答后我会告诉你。",
                      EN: "OK, I'll message you when staff answer."},
    "faq_notified": {ZH: "工作人员回答了你问过的问题：「{question}」",
                     EN: "Staff answered a question you asked: “{question}”"},
    "faq_answer": {ZH: "回答", EN: "Answer"},
    "faq_prompt": {ZH: "请发送这个问题的回答：「{question}」\n"
                       "（{minutes} 分钟内有效；发送 /cancel 取消）",
                   EN: "Send the answer to: “{question}”\n(valid for {minutes} minutes; "
                       "/cancel to stop)"},
    "faq_preview": {ZH: "问法：{question}\n机器人将回答：\n{answer}\n\n会匹配的问法：{wordings}",
                    EN: "Asked as: {question}\nThe bot will answer:\n{answer}\n\n"
                        "It will match: {wordings}"},
    "faq_add": {ZH: "加入", EN: "Add"},
    "faq_cancel": {ZH: "取消", EN: "Cancel"},
    "faq_cancelled": {ZH: "已取消，常见问题没有改变。", EN: "Cancelled; the FAQ is unchanged."},
    "faq_added": {ZH: "已加入常见问题，索引已更新；通知了 {notified} 位提问的人。",
                  EN: "Added to the FAQ and reindexed; {notified} askers told."},
    "faq_failed": {ZH: "无法保存：{error}\n常见问题没有改变。",
                   EN: "Could not save it: {error}\nThe FAQ is unchanged."},
    "faq_too_long": {ZH: "回答太长（{length} 个字符），最多 {limit} 个。请再发送一次。",
                     EN: "The answer is too long ({length} characters; at most {limit}). "
                         "Send it again."},
    "faq_list_head": {ZH: "{count} 个常见问题：", EN: "{count} FAQ pairs:"},
    "faq_list_none": {ZH: "还没有常见问题。在 /stats 里点“回答”来加一个。",
                      EN: "No FAQ pairs yet. Press Answer in /stats to add one."},
    "faq_remove": {ZH: "删除", EN: "Remove"},
    "faq_removed": {ZH: "已删除：{question}", EN: "Removed: {question}"},
    "faq_not_yours": {ZH: "只有开始回答的管理员可以决定。",
                      EN: "Only the admin who started this answer can decide."},
    "inline_none": {ZH: "没有找到答案：怎么问？", EN: "No answer found: how to ask?"},
}


ADMIN_HELP = {
    ZH: "\n\n<b>管理员</b>\n"
        "• 把 PDF、Word、网页、Markdown 或文本文件发给我，预览后加入资料库。\n"
        "• /reindex 从资料库文件夹重建索引。\n"
        "• /documents 列出全部文档。\n"
        "• /stats 没有答上和被点 👎 的问题，点“回答”写下工作人员的回答。\n"
        "• /faq 列出工作人员的回答，可以删除。",
    EN: "\n\n<b>Admins</b>\n"
        "• Send me a PDF, Word, web page, Markdown or text file to add it to the corpus "
        "after a preview.\n"
        "• /reindex rebuilds the index from the corpus folder.\n"
        "• /documents lists every document.\n"
        "• /stats the questions left unanswered or voted down; press Answer to give the "
        "staff's answer.\n"
        "• /faq lists the staff's answers, to remove one.",
}
TEXTS["help_admin"] = {lang: TEXTS["help"][lang] + ADMIN_HELP[lang] for lang in (ZH, EN)}


TEXTS["bot_description"] = {
    ZH: "我回答关于中国生物多样性保护与绿色发展基金会（中国绿发会）的问题，答案直接摘自基金会"
        "公开的资料。可以用简体、繁体或英文提问。",
    EN: "I answer questions about the China Biodiversity Conservation and Green Development "
        "Foundation (CBCGDF) with passages from its own published profile. Ask in English, "
        "simplified or traditional Chinese.",
}
TEXTS["bot_short_description"] = {
    ZH: "中国绿发会问答：答案摘自基金会原文。",
    EN: "Answers about CBCGDF (中国绿发会), from its own text.",
}
COMMANDS = {
    ZH: [("start", "开始"), ("help", "怎么问"), ("ask", "提问"), ("about", "我知道什么")],
    EN: [("start", "start"), ("help", "how to ask"), ("ask", "ask a question"),
         ("about", "what I know")],
}
ADMIN_COMMANDS = {
    ZH: [("reindex", "重建索引"), ("documents", "全部文档"), ("stats", "没答上的问题"),
         ("faq", "工作人员的回答")],
    EN: [("reindex", "rebuild the index"), ("documents", "every document"),
         ("stats", "questions unanswered or voted down"), ("faq", "the staff's answers")],
}


def commands(lang: Lang, *, admin: bool = False) -> list[tuple[str, str]]:
    """The command menu: (command, description) in `lang`; with the admin commands for an
    admin's chat."""
    return COMMANDS[lang] + (ADMIN_COMMANDS[lang] if admin else [])


def ui_text(key: str, lang: Lang, **values: object) -> str:
    """One interface string in `lang`, with `values` filled in."""
    template = TEXTS[key][lang]
    return template.format(**values) if values else template


def read_as_text(read_as: Iterable[Correction], lang: Lang) -> str:
    """The line that says how mistyped words were read, or "" when none was."""
    words = "、".join(c.read.upper() if c.read.isascii() else c.read for c in read_as)
    return ui_text("read_as", lang, words=words) if words else ""
