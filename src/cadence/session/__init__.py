"""Sessions: persona, history, budgets and the session store (pure, no I/O)."""
