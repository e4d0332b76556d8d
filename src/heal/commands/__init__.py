"""One module per subcommand: parse its arguments, call the library, present the result."""
