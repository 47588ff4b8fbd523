"""The command line: ``python -m drift check|report|monitor``."""
