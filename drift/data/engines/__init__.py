"""Engines that count out of core: the data they open (:mod:`.sources`), their settings
(:mod:`.settings`), the exact counts they make in SQL (:mod:`.counts`) and a reference profile kept on disk
(:mod:`.profile`).

Counting runs in the engine; scoring (PSI, chi-square, Jensen–Shannon, KS p-values, readings) stays in
:mod:`drift.stats` and is the same code for every engine (DESIGN §4, §8).  pandas is the in-memory engine
(:mod:`drift.diagnosis.features`); DuckDB is the out-of-core one.
"""
