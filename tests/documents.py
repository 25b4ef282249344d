"""Real PDF, Word and HTML files made from a Markdown document's text, for the readers' tests
and `benchmarks/readers.py`: the PDF with reportlab's Chinese CID font (STSong-Light, no font
file embedded, as many Chinese office PDFs are), the Word file with python-docx, the web page
by hand with a site's menu, scripts and footer around the article."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from cepf_bot.corpus.readers.markdown import read_markdown

SITE_MENU = ["首页", "关于我们", "新闻中心", "项目介绍", "联系我们"]
FOOTER = ["版权所有 © 2020 中国生物多样性保护与绿色发展基金会", "京ICP备12345678号-1",
          "网站地图 | 隐私政策 | 友情链接"]


@dataclass
class Text:
    """A document's title and its (section, paragraph) pairs, in order."""

    title: str
    paragraphs: list[tuple[str, str]]

    @classmethod
    def of_markdown(cls, path: Path) -> Text:
        document = read_markdown(path.read_text("utf-8"))
        return cls(document.title or "",
                   [(b.section or "", "\n".join(b.lines)) for b in document.blocks])


def write_html(path: Path, text: Text, url: str = "https://www.cbcgdf.org/NewsShow/1.html",
               *, semantic: bool = True) -> Path:
    """`semantic` False: the layout many CMS sites have, all `<div class=…>`, no `<nav>`,
    `<header>`, `<main>`, `<article>`, `<aside>` or `<footer>`."""
    e = html.escape
    menu = "".join(f'<li><a href="/{i}">{e(m)}</a></li>' for i, m in enumerate(SITE_MENU))
    body, section = [], None
    for heading, paragraph in text.paragraphs:
        if heading and heading != section:
            body.append(f"<h2>{e(heading)}</h2>")
            section = heading
        body.append(f"<p>{'<br>'.join(map(e, paragraph.splitlines()))}</p>")
    footer = "".join(f"<p>{e(line)}</p>" for line in FOOTER)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(text.title)} - 中国绿发会</title>
<link rel="canonical" href="{e(url)}">
<meta property="og:url" content="{e(url)}">
<style>body {{ font-family: sans-serif }} .nav li {{ display: inline }}</style>
<script>var _hmt = _hmt || []; window.dataLayer = [];</script>
</head><body>
<header><div class="logo">中国绿发会</div><nav><ul class="nav">{menu}</ul></nav></header>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/news">新闻中心</a></div>
<main><article><h1>{e(text.title)}</h1>
{"".join(body)}
</article></main>
<aside><h3>热门文章</h3><ul><li><a href="/a">绿会志愿者招募</a></li></ul></aside>
<footer>{footer}</footer>
<script>document.write("tracking");</script>
</body></html>"""
    if not semantic:
        for tag, div in (("header", "top"), ("nav", "menu"), ("main", "content"),
                         ("article", "news_show"), ("aside", "side"), ("footer", "bottom")):
            page = page.replace(f"<{tag}>", f'<div class="{div}">').replace(f"</{tag}>",
                                                                             "</div>")
    path.write_text(page, "utf-8")
    return path


def write_docx(path: Path, text: Text, table: list[tuple[str, ...]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(text.title, level=0)
    section = None
    for heading, paragraph in text.paragraphs:
        if heading and heading != section:
            document.add_heading(heading, level=1)
            section = heading
        lines = paragraph.splitlines()
        run = document.add_paragraph().add_run(lines[0])
        for line in lines[1:]:  # lines of one block: one paragraph, soft line breaks
            run.add_break()
            run.add_text(line)
    if table:
        document.add_heading("财务报表", level=1)
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def write_pdf(path: Path, text: Text, *, scanned: bool = False) -> Path:
    """Chinese text in the STSong-Light CID font, wrapped, page numbers at the foot of each
    page. `scanned`: the pages as drawn shapes only, no text layer (as a scanner makes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(text.title)
    page, y = 1, height - 72

    def line(words: str, size: int = 11) -> None:
        nonlocal page, y
        if y < 72:
            footer()
            pdf.showPage()
            page, y = page + 1, height - 72
        if scanned:
            pdf.rect(72, y, 4 * len(words), size, fill=1)
        else:
            pdf.setFont("STSong-Light", size)
            pdf.drawString(72, y, words)
        y -= size * 1.6

    def footer() -> None:
        if not scanned:
            pdf.setFont("STSong-Light", 9)
            pdf.drawCentredString(width / 2, 36, f"- {page} -")

    per_line = int((width - 144) / 11)
    line(text.title, 16)
    section = None
    for heading, paragraph in text.paragraphs:
        if heading and heading != section:
            y -= 6
            line(heading, 13)
            section = heading
        for text_line in paragraph.splitlines():
            while text_line:
                cut = min(per_line, len(text_line))
                while 0 < cut < len(text_line) and _inside_word(text_line, cut):
                    cut -= 1  # a typesetter breaks Latin words at spaces only
                cut = cut or per_line
                line(text_line[:cut].rstrip())
                text_line = text_line[cut:].lstrip(" ")
        y -= 8
    footer()
    pdf.save()
    return path


def _inside_word(text: str, i: int) -> bool:
    def latin(c: str) -> bool:
        return c.isascii() and c.isalnum()
    return latin(text[i - 1]) and latin(text[i])
