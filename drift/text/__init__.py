"""Drift of free text: descriptors, vocabulary and embeddings of text columns."""
