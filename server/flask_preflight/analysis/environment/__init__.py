"""The workspace interpreter's environment, read from its files: venv, version, distributions.

Import from the module that defines a thing:

- `model`: `Environment` (what the checks see of one interpreter).
- `distributions`: `Distribution` and reading installed metadata; `import_names`: the
  top-level names each distribution provides.
- `layout`: what an interpreter's files say without running it (pyvenv.cfg, site-packages).
- `probe`: asking an interpreter about itself (isolated, bounded, cached).
- `reading`: `read_environment(interpreter, allow_exec=...)`, the cached whole.
- `project_environment`: the project's chosen interpreter and its own venvs.
- `summary`: the `interpreter` object of the JSON reports.
- `commands`: the environment fix commands (a contract with the VS Code client).
"""
