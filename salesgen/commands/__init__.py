"""CLI commands, one module each; `salesgen.cli` registers them."""
