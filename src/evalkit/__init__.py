"""evalkit: evaluate community-policing informatization maturity."""

__version__ = "0.1.0"
