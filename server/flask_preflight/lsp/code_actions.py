"""Code actions: quick fixes rebuilt from each diagnostic's data, and fix-all for a file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from ..analysis.edits import compatible_safe_fixes
from ..analysis.model import Finding, Fix
from .conversions import as_finding, diagnostic_fixes, lsp_range, ours
from .folders import Folder

if TYPE_CHECKING:
    from .server import PreflightServer

FIX_ALL = "source.fixAll.flaskPreflight"


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _workspace_edit(
    ls: PreflightServer, folder: Folder, fixes: Sequence[Fix], versions: dict[str, int | None]
) -> types.WorkspaceEdit | None:
    by_path: dict[str, list[types.TextEdit]] = {}
    renames: list[types.RenameFile] = []
    for fix in fixes:
        for edit in fix.edits:
            by_path.setdefault(edit.path, []).append(
                types.TextEdit(range=lsp_range(edit.range), new_text=edit.new_text)
            )
        if fix.rename:
            old, new = fix.rename
            renames.append(types.RenameFile(old_uri=folder.uri_of(old), new_uri=folder.uri_of(new)))
    if not by_path and not renames:
        return None
    workspace = ls.client_capabilities.workspace
    edit_caps = workspace.workspace_edit if workspace else None
    if edit_caps is None or not edit_caps.document_changes:
        if renames:
            return None  # a rename cannot be expressed without documentChanges
        return types.WorkspaceEdit(changes={folder.uri_of(p): e for p, e in by_path.items()})
    changes: list[types.TextDocumentEdit | types.RenameFile] = [
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=folder.uri_of(path), version=versions.get(path)
            ),
            edits=list(edits),
        )
        for path, edits in by_path.items()
    ]
    changes.extend(renames)
    return types.WorkspaceEdit(document_changes=changes)


def _action(
    ls: PreflightServer,
    folder: Folder,
    fix: Fix,
    kind: str,
    versions: dict[str, int | None],
    diagnostics: list[types.Diagnostic] | None,
    preferred: bool,
) -> types.CodeAction | None:
    command = (
        types.Command(
            title=fix.title, command=fix.command.name, arguments=list(fix.command.arguments)
        )
        if fix.command
        else None
    )
    edit = _workspace_edit(ls, folder, [fix], versions)
    if edit is None and command is None:
        return None
    return types.CodeAction(
        title=fix.title,
        kind=kind,
        diagnostics=diagnostics,
        edit=edit,
        command=command,
        is_preferred=preferred or None,
    )


def code_actions(ls: PreflightServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    found = ls.located(params.text_document.uri)
    if found is None:
        return []
    folder, path = found
    document = folder.open.get(path)
    current = document.version if document else None
    versions = folder.open_versions()
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        for diagnostic in ours(params.context.diagnostics):
            _, version, fixes = diagnostic_fixes(diagnostic)
            if version is not None and current is not None and version != current:
                continue  # computed for older text: its edits would land in the wrong place
            for index, fix in enumerate(fixes):
                action = _action(
                    ls,
                    folder,
                    fix,
                    types.CodeActionKind.QuickFix,
                    versions,
                    [diagnostic],
                    preferred=fix.safe and index == 0,
                )
                if action is not None:
                    actions.append(action)
    if only and _wants(only, FIX_ALL):
        action = fix_all(ls, folder, path, versions)
        if action is not None:
            actions.append(action)
    return actions


def fix_all(
    ls: PreflightServer, folder: Folder, path: str, versions: dict[str, int | None]
) -> types.CodeAction | None:
    published = folder.published.get(path)
    if published is None:
        return None
    if published.version != versions.get(path):
        return None
    findings: list[Finding] = [
        f for f in (as_finding(d, path) for d in ours(published.diagnostics)) if f is not None
    ]
    fixes = compatible_safe_fixes(findings)
    if not fixes:
        return None
    edit = _workspace_edit(ls, folder, fixes, versions)
    if edit is None:
        return None
    return types.CodeAction(title="Fix all Flask Preflight problems", kind=FIX_ALL, edit=edit)


def register(server: PreflightServer) -> None:
    options = types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
    )

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def on_code_action(
        ls: PreflightServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        return code_actions(ls, params)
