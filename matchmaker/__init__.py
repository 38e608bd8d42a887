"""Matchmaker's domain: who should answer a question, and the conversation that follows."""
