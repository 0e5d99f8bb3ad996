"""Outcome targets and their monthly RAG impact rating."""
