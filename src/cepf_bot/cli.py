"""The `cepf-bot` command: parse, call, print."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cepf_bot import __version__
from cepf_bot.config import (
    BotSettings,
    Paths,
    QueryLogSettings,
    environment_help,
    heartbeat_path,
    resolve_paths,
)
from cepf_bot.corpus.folder import document_paths, faq_pairs
from cepf_bot.engine import Engine, last_failure
from cepf_bot.errors import CepfError, ConfigError, CorpusError, UploadError, error_line
from cepf_bot.logging_setup import LOG_FORMATS, redact_in_logs, safe_line, setup_logging
from cepf_bot.querylog import QueryLog
from cepf_bot.reply.locale import reply_locale
from cepf_bot.reply.reports import format_summary
from cepf_bot.search.conversation import suggestions
from cepf_bot.search.searcher import Searcher
from cepf_bot.serving.heartbeat import MAX_AGE_SECONDS, read_heartbeat
from cepf_bot.types import Hit, Lang, Locale, Results

log = logging.getLogger("cepf_bot")


def _hit_json(hit: Hit) -> dict[str, object]:
    p = hit.passage
    return {"rank": hit.rank, "score": round(hit.score, 6), "passage_id": p.id,
            "title": p.title, "source": p.document, "url": p.url or None,
            "page": p.page or None, "text": p.text}


def _answer_json(question: str, results: Results, gloss: str | None = None) -> str:
    answer, faq = results.answer, results.faq
    shown: dict[str, object] | None = None
    if faq is not None:  # the staff's answer, verbatim
        shown = {"text": faq.answer, "faq": True, "pair_id": faq.id, "question": faq.question,
                 "source": faq.source or None, "date": faq.date or None, "passage_id": None,
                 "fact": None, "fact_kind": None, "gloss": None}
    elif answer is not None:
        shown = {"text": answer.text, "passage_id": answer.passage_id,
                 "fact": answer.fact.text if answer.fact else None,
                 "fact_kind": answer.fact.kind if answer.fact else None, "gloss": gloss or None}
    return json.dumps({"query": question, "verdict": results.verdict.value,
                       "answer": shown,
                       "read_as": [{"typed": c.typed, "read": c.read} for c in results.read_as],
                       "results": [_hit_json(h) for h in results.hits]}, ensure_ascii=False)


def _answered(searcher: Searcher, question: str, args: argparse.Namespace,
              after: str | None = None) -> tuple[Results, Locale, str | None]:
    """The results for `question`, the locale they are shown in (the question's, or --lang),
    and, for a reader of English, the answer's English gloss."""
    locale = reply_locale(question)
    if args.lang:
        locale = replace(locale, lang=Lang(args.lang))
    english = locale.lang == Lang.EN
    results = searcher.ask(question, k=args.k, after=after, english=english)
    gloss = results.english.get(results.answer.text, "") if english and results.answer else ""
    return results, locale, gloss or None


def cmd_ask(args: argparse.Namespace, paths: Paths) -> int:
    from cepf_bot.reply.render import terminal

    engine = Engine.open(paths)
    searcher = engine.searcher
    if args.stdin:
        # bytes that are not UTF-8 are one question's U+FFFD, never the end of the batch
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")
        for line in sys.stdin:
            question = line.rstrip("\n")
            results, _, gloss = _answered(searcher, question, args)
            print(_answer_json(question, results, gloss), flush=True)
        return 0
    if args.question is None:
        raise ConfigError("ask needs a QUESTION (or --stdin)")
    results, locale, gloss = _answered(searcher, args.question, args, args.after)
    if args.json:
        print(_answer_json(args.question, results, gloss))
        return 0
    if results.faq is not None:
        from cepf_bot.reply.faq_text import faq_terminal

        print(faq_terminal(results, color=sys.stdout.isatty(), locale=locale,
                           convert=searcher.traditional))
        return 0
    suggested: list[str] = []
    if not results.hits:
        examples = engine.examples.get(locale.lang, [])
        suggested = [examples[i] for i in suggestions(searcher, args.question, examples)]
    print(terminal(results, color=sys.stdout.isatty(), locale=locale,
                   convert=searcher.traditional, suggested=suggested, gloss=gloss,
                   english=lambda text: results.english.get(text, "")))
    return 0


def cmd_chat(args: argparse.Namespace, paths: Paths) -> int:
    from cepf_bot.reply.chat import ChatSession, run_chat

    engine = Engine.open(paths)
    session = ChatSession(engine.searcher, engine.examples, language_code=args.language,
                          bold=sys.stdout.isatty())
    return run_chat(session, input, print)


def cmd_reindex(args: argparse.Namespace, paths: Paths) -> int:
    started = time.perf_counter()
    info = Engine(paths).reindex(progress=True)
    print(f"indexed {len(info.documents)} documents ({info.segmented_documents} segmented, the "
          f"rest unchanged), {info.passages} passages from {paths.corpus_dir} in "
          f"{time.perf_counter() - started:.2f} s -> {paths.index_path}")
    print(f"documents by format: {info.by_format()}")
    return 0


def cmd_add(args: argparse.Namespace, paths: Paths) -> int:
    """Add a file to the corpus as an upload in chat does: read in the bounded worker, written
    whole, reindexed, undone on any failure."""
    source = Path(args.file)
    engine = Engine.open(paths)
    preview = engine.preview_upload(source.name, source.read_bytes())
    if preview.document is None:
        raise UploadError(f"{source}: {preview.error}")
    if preview.replaces and not args.replace:
        raise UploadError(f"{preview.name} is in the corpus already: --replace to replace it "
                          f"({preview.added} passages new, {preview.removed} gone, "
                          f"{preview.kept} unchanged)")
    info, replaced = engine.add_upload(preview, source.read_bytes())
    print(f"{'replaced' if replaced else 'added'} {preview.name}: "
          f"{preview.document.passages} passages; the index has {len(info.documents)} "
          f"documents, {info.passages} passages")
    return 0


def cmd_eval(args: argparse.Namespace, paths: Paths) -> int:
    from cepf_bot.evaluation import Targets, evaluate, format_report, read_questions, shortfalls

    questions = read_questions(Path(args.file))
    searcher = Engine.open(paths).searcher
    report = evaluate(questions, lambda q, after: searcher.ask(q, k=5, after=after))
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) if args.json
          else format_report(report))
    missed = shortfalls(report, Targets(
        min_hit1=args.min_hit1, min_lang_hit1=args.min_lang_hit1, min_answer=args.min_answer,
        min_rejected=args.min_rejected, all_rejected=args.all_rejected,
        min_lang_answer=args.min_lang_answer, min_confident=args.min_confident,
        min_near=args.min_near, min_far=args.min_far))
    for line in missed:
        print(f"cepf-bot: {line}", file=sys.stderr)
    return 1 if missed else 0


def cmd_serve(args: argparse.Namespace, paths: Paths) -> int:
    # SIGHUP means "look at the index now" once serving; until then it must not kill the bot.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    from telegram.error import InvalidToken, TelegramError

    from cepf_bot.bot.application import build_application
    from cepf_bot.serving.run import run_polling, run_webhook, wait_for_telegram

    settings = BotSettings.from_env(webhook_url=args.webhook_url)
    redact_in_logs(settings.token)
    if settings.webhook_secret:
        redact_in_logs(settings.webhook_secret)
    log_settings = QueryLogSettings.from_env()
    query_log = None
    if log_settings.path is not None:
        query_log = QueryLog.open(log_settings.path, env_salt=log_settings.salt,
                                  retention_days=log_settings.days)
        if log_settings.salt:
            redact_in_logs(log_settings.salt)
    application = build_application(settings, Engine.open(paths), query_log)
    try:
        wait_for_telegram(application)
        if settings.webhook_url:
            run_webhook(application, settings)
        else:
            run_polling(application)
    except InvalidToken:
        print("cepf-bot: Telegram rejected the bot token (unauthorized): check "
              "TELEGRAM_BOT_TOKEN with @BotFather", file=sys.stderr)
        return 2
    except TelegramError as e:
        print(f"cepf-bot: error: Telegram: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        if query_log is not None:
            query_log.close()
    log.info("stopped")
    return 0


def cmd_report(args: argparse.Namespace, paths: Paths) -> int:
    from dataclasses import asdict

    settings = QueryLogSettings.from_env()
    if settings.path is None:
        raise ConfigError("the query log is off (CEPF_QUERY_LOG=off): nothing to report")
    if not settings.path.exists():
        raise ConfigError(f"no query log at {settings.path} yet (the bot writes it)")
    query_log = QueryLog.open(settings.path, env_salt=settings.salt,
                              retention_days=settings.days)
    summary = query_log.summary(args.limit)
    query_log.close()
    try:
        questions = {p.id: p.question for p in faq_pairs(paths.corpus_dir)}
    except CorpusError:  # a bad Q&A file: the pairs by their ids
        questions = {}
    print(json.dumps(asdict(summary), ensure_ascii=False, indent=1) if args.json
          else format_summary(summary, questions))
    return 0


def cmd_faq(args: argparse.Namespace, paths: Paths) -> int:
    """`faq list`: every pair of the corpus's Q&A files, with its wordings and where it is."""
    from dataclasses import asdict

    from cepf_bot.reply.faq_text import faq_list_text

    pairs = faq_pairs(paths.corpus_dir, paths.max_file_bytes)
    print(json.dumps([{**asdict(p), "also": list(p.also)} for p in pairs], ensure_ascii=False,
                     indent=1) if args.json else faq_list_text(pairs, paths.corpus_dir))
    return 0


def cmd_health(args: argparse.Namespace, paths: Paths) -> int:
    info = Engine.stored_info(paths.index_path)
    if args.serving:
        path = heartbeat_path(paths.index_path)
        beat = read_heartbeat(path)
        if beat is None:
            print(f"unhealthy: no heartbeat from a serving bot at {path}")
            return 1
        if beat.age() > MAX_AGE_SECONDS:
            print(f"unhealthy: the bot's last heartbeat is {beat.age():.0f} s old")
            return 1
    try:  # what the next reindex would refuse: a bad file name, an unreadable folder
        document_paths(paths.corpus_dir)
        failure = last_failure(paths)  # or what the last one refused, still there
        if failure:
            raise CorpusError(failure)
    except CorpusError as e:
        print(f"unhealthy: the corpus cannot be indexed: {safe_line(str(e))} "
              f"(index {info.generation} still serves)")
        return 1
    print(f"healthy: index {info.generation} ({info.passages} passages)"
          + (", bot serving" if args.serving else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cepf-bot",
        description="Answers questions about 中国绿发会 (CBCGDF) from its published profile.",
    )
    parser.add_argument("--version", action="version", version=f"cepf-bot {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", help="corpus folder (env CEPF_CORPUS_DIR; default ./corpus "
                        "if it exists, else the corpus shipped with the package)")
    common.add_argument("--index", help="index folder (env CEPF_INDEX_PATH; default "
                        "~/.local/share/cepf-bot/index)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], epilog=environment_help(name),
                              formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)

    ask = command("ask", help="answer a question from the corpus")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("-k", type=int, default=3, help="how many passages (default 3)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--lang", choices=[lang.value for lang in Lang],
                     help="answer in this language (default: the question's); en adds an "
                          "English gloss of the answer sentence")
    ask.add_argument("--after", metavar="PREVIOUS",
                     help="the previous question, for a follow-up that leaves out its subject")
    ask.add_argument("--stdin", action="store_true",
                     help="read one question a line, print one JSON object a line")
    ask.set_defaults(run=cmd_ask)

    chat = command("chat", help="talk to the bot in this terminal, as in a private chat")
    chat.add_argument("--language", metavar="CODE",
                      help="your language as Telegram would send it (zh-hans, zh-tw, zh-hk, "
                           "en): the interface's language and script until a question says "
                           "otherwise")
    chat.set_defaults(run=cmd_chat)

    re_ = command("reindex", help="rebuild the index from the corpus")
    re_.set_defaults(run=cmd_reindex)

    add = command("add", help="add a file (md, txt, html, docx, pdf) to the corpus and reindex; "
                  "undone if the reindex fails")
    add.add_argument("file", help="the file to add; it keeps its name in the corpus folder")
    add.add_argument("--replace", action="store_true",
                     help="replace a corpus file of the same name")
    add.set_defaults(run=cmd_add)

    ev = command("eval", help="score a question set (JSONL) by the verdicts")
    ev.add_argument("file", help="questions: q, must, lang, kind (neg: near or far, after) "
                    "on each line")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--min-hit1", "--min-found1", type=float,
                    help="exit 1 when overall found@1 (the first passage holds the fact, for "
                         "answer or closest) is below this")
    ev.add_argument("--min-lang-hit1", "--min-lang-found1", type=float,
                    help="exit 1 when found@1 in any language is below this")
    ev.add_argument("--min-answer", type=float,
                    help="exit 1 when the share of right answer sentences is below this")
    ev.add_argument("--min-lang-answer", type=float,
                    help="exit 1 when the share of right answer sentences in any language is "
                         "below this")
    ev.add_argument("--min-confident", type=float,
                    help="exit 1 when the share of answerable questions with the verdict "
                         "answer and the fact first is below this")
    ev.add_argument("--min-near", type=float,
                    help="exit 1 when the share of near negatives (and unlabelled ones) not "
                         "answered (closest or none) is below this")
    ev.add_argument("--min-far", type=float,
                    help="exit 1 when the share of far negatives and small talk with no "
                         "passages is below this")
    ev.add_argument("--min-rejected", type=int,
                    help="exit 1 when fewer negatives (off-topic, small talk) get no passage")
    ev.add_argument("--all-rejected", action="store_true",
                    help="exit 1 when an off-topic question gets passages")
    ev.set_defaults(run=cmd_eval)
    serve = command("serve", help="run the Telegram bot (long polling, or a webhook)")
    serve.add_argument("--webhook-url", help="serve a webhook at this public https URL "
                       "instead of polling (env CEPF_WEBHOOK_URL; needs CEPF_WEBHOOK_SECRET)")
    serve.set_defaults(run=cmd_serve)

    report = command("report", help="unanswered and down-voted "
                            "questions from the bot's query log, most frequent first")
    report.add_argument("--limit", type=int, default=20, help="questions per list (default 20)")
    report.add_argument("--json", action="store_true", help="print JSON")
    report.set_defaults(run=cmd_report)

    faq = command("faq", help="the staff's questions and answers (corpus/faq.md)")
    faq.add_argument("action", choices=["list"], help="list: every pair, with its wordings")
    faq.add_argument("--json", action="store_true", help="print JSON")
    faq.set_defaults(run=cmd_faq)

    health = command("health", help="exit 0 only when the index loads (and, with --serving, "
                            "a bot is serving)")
    health.add_argument("--serving", action="store_true",
                        help="also require a fresh heartbeat from a running `serve`")
    health.set_defaults(run=cmd_health)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, fmt=LOG_FORMATS.get(args.command, LOG_FORMATS[""]))
    if getattr(args, "k", 1) < 1:
        parser.error("-k must be at least 1")
    try:
        paths = resolve_paths(corpus=args.corpus, index=args.index)
        status: int = args.run(args, paths)
        return status
    except ConfigError as e:
        print(f"cepf-bot: {safe_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `cepf-bot ask … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error at exit
        return 0
    except (CepfError, OSError) as e:
        print(f"cepf-bot: error: {safe_line(error_line(e))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
