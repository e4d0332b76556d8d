"""One module per subcommand, each `main(args: list[str]) -> int`: parse by hand, call the library,
present. heal.entry routes to them without importing typer."""
