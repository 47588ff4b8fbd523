"""Drift across all features at once: the domain classifier, MMD, embeddings and 2-D projections."""
