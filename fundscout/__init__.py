"""FundScout core: configuration, store, load step, reports and the command line."""

__version__ = "0.1.0"
