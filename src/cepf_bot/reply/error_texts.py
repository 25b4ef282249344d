"""A reader's or an upload's error in the reader's own language: the error's `code` and
`params` (`errors.CepfError`) rendered by a template per language, so that a Chinese reply
never quotes an English detail. An error without a code, or with one no template knows, keeps
its English message."""

from __future__ import annotations

import string
from collections.abc import Mapping

from cepf_bot.types import Lang

EN, ZH = Lang.EN, Lang.ZH

DETAILS: dict[str, dict[Lang, str]] = {
    "damaged": {ZH: "{file}：已损坏，或不是 {format} 文件",
                EN: "{file}: damaged, or not a {format} file"},
    "encrypted": {ZH: "{file}：已加密，需要密码", EN: "{file}: encrypted, it needs a password"},
    "unreadable": {ZH: "{file}：无法读取这个 {format} 文件",
                   EN: "{file}: cannot read this {format} file"},
    "read_failed": {ZH: "{file}：无法读取", EN: "{file}: cannot read it"},
    "too_many_pages": {ZH: "{file}：共 {pages:,} 页（每个文档最多 {limit:,} 页）",
                       EN: "{file}: {pages:,} pages (at most {limit:,} a document)"},
    "unpacks_too_large": {ZH: "{file}：解压后有 {size:,} 字节（最多 {limit:,} 字节）",
                          EN: "{file}: it unpacks to {size:,} bytes (at most {limit:,})"},
    "empty": {ZH: "{file}：空文件", EN: "{file}: empty file"},
    "not_a_format": {ZH: "{file}：不是资料库收的格式", EN: "{file}: not a document format"},
    "no_title": {ZH: "{file}：没有标题（第一个“# ”标题）",
                 EN: "{file}: no title (the first '# ' heading)"},
    "no_text_under_title": {ZH: "{file}：标题下没有文字", EN: "{file}: no text under the title"},
    "too_many_passages": {ZH: "{file}：超过 {limit:,} 个段落（每个文档的上限）",
                          EN: "{file}: more than {limit:,} passages (the limit per document)"},
    "too_much_text": {ZH: "{file}：文字超过 {limit:,} 个字符（每个文档的上限）",
                      EN: "{file}: more than {limit:,} characters of text (the limit per "
                          "document)"},
    "too_slow": {ZH: "{file}：读取超过 {seconds:g} 秒（每个文件的上限）",
                 EN: "{file}: reading it took more than {seconds:g} s (the limit per file)"},
    "too_much_memory": {ZH: "{file}：读取需要超过 {memory_mb} MB 内存（每个文件的上限）",
                        EN: "{file}: reading it needs more than {memory_mb} MB of memory (the "
                            "limit per file)"},
    "reader_stopped": {ZH: "{file}：读取程序中止，超过了每个文件 {memory_mb} MB 内存"
                           "或 CPU 时间的上限",
                       EN: "{file}: its reader stopped, over the limit of {memory_mb} MB of "
                           "memory or of CPU time per file"},
    "exists_now": {ZH: "{file} 刚刚已经存在；请再发送一次，看看替换它会改变什么",
                   EN: "{file} exists now; send the file again to see what replacing it "
                       "changes"},
    "read_only": {ZH: "这里的资料库文件夹 {folder} 是只读的（以只读方式挂载？）："
                      "请把文件加到存放资料库的地方，然后 /reindex",
                  EN: "the corpus folder {folder} is read-only here (mounted read-only?): add "
                      "the file where the corpus is kept, then /reindex"},
    "cannot_write": {ZH: "无法写入 {folder}：{cause}", EN: "cannot write into {folder}: {cause}"},
}


def error_detail(code: str, params: Mapping[str, object], lang: Lang) -> str | None:
    """The error `code` with its `params` in `lang`, or None when no template knows the code
    or its values do not fit it (the caller keeps the English message)."""
    template = DETAILS.get(code, {}).get(lang)
    if template is None:
        return None
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not needed <= set(params):
        return None
    try:
        return template.format(**params)
    except (ValueError, TypeError):  # a value of another kind than the template's
        return None
