"""One reader per config-file format that starts the app: each reads its file through
`project.source(path)`, never raises on bad input, and returns `Declaration`s. The file-kinds
table (analysis/file_kinds.py) names the reader of each format; `entrypoints/readers.py`
adapts them to one signature and, by importing them, registers the started-file readers."""
