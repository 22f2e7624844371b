"""One module per ``reportgen`` subcommand, each imported only when it runs."""
