"""FundScout's ground floor (configuration, field dictionary, store, extraction, load, call status);
on top of it, the command line, the job layer and the demo."""

__version__ = "0.1.0"
