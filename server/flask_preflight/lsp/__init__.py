"""The LSP front end: pygls wiring only, no analysis logic."""
