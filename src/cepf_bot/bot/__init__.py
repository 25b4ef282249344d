"""python-telegram-bot only: the Application, its handlers (questions, admin commands,
uploads), the state they share, sending, and the per-user rate limit."""
