"""Running the bot: long polling or the hardened webhook server, and the heartbeat `health`
reads."""
