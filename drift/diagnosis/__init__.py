"""One comparison, start to finish: the per-feature drift table, its plain-language readings, the
diagnostic workflow and the interview-practice grader."""
