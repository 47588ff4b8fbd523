"""Data in: reading files, schema and roles, validation, data-quality breaks, split proxies, batching, and the
built-in scenarios."""
