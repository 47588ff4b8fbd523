"""Foundations every layer uses: the error template, limits, paths, JSON conversion, input checks, and
every decision rule and cut-off (:mod:`drift.core.decisions`)."""
