"""Two-sample statistics on columns: samples, binning, KS / chi-square / Wasserstein, PSI, multiple-testing
correction, bootstrap intervals."""
