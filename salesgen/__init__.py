"""salesgen: a B2B project-sales pipeline kept as YAML in git, linted and published."""

__version__ = "0.1.0"
