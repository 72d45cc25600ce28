-- Headless Neovim as an LSP client of Flask Preflight: open a file, wait for diagnostics,
-- apply the first quick fix through Neovim's own API, wait for the file to be clean, and
-- write what Neovim saw to $FP_OUT as JSON. Neovim 0.7 has vim.lsp.start_client (no
-- vim.lsp.start yet).
local out = vim.env.FP_OUT
local result = { steps = {} }

local function write_result()
  vim.fn.writefile({ vim.json.encode(result) }, out)
end

local function diagnostics_of(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(found, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code or lsp.code,
    })
  end
  return found
end

local function run()
  local root = vim.env.FP_ROOT
  local client_id = vim.lsp.start_client({
    name = "flask-preflight",
    cmd = vim.json.decode(vim.env.FP_SERVER),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "project" } },
    init_options = vim.json.decode(vim.env.FP_INIT),
  })
  assert(client_id, "the server did not start")
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.FP_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)

  local deadline = tonumber(vim.env.FP_TIMEOUT_MS or "30000")
  result.got_diagnostics = vim.wait(deadline, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 20)
  result.diagnostics = diagnostics_of(bufnr)
  local client = vim.lsp.get_client_by_id(client_id)
  result.server_name = client and client.server_capabilities and "started" or "missing"

  -- Ask for quick fixes at the first diagnostic and apply the first one, as <leader>ca would.
  local first = vim.diagnostic.get(bufnr)[1]
  if first then
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = {
        start = { line = first.lnum, character = first.col },
        ["end"] = { line = first.end_lnum, character = first.end_col },
      },
      -- what Neovim's own code_action() sends: the line's diagnostics back in LSP shape
      context = {
        diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum),
        only = { "quickfix" },
      },
    }
    local responses, request_error =
      vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, deadline)
    result.code_action_error = request_error or vim.NIL
    result.code_action_responses = responses or vim.NIL
    local actions = {}
    for _, response in pairs(responses or {}) do
      for _, action in ipairs(response.result or {}) do
        table.insert(actions, action)
      end
    end
    result.action_titles = vim.tbl_map(function(a)
      return a.title
    end, actions)
    if actions[1] and actions[1].edit then
      vim.lsp.util.apply_workspace_edit(actions[1].edit, "utf-16")
      result.fixed_clean = vim.wait(deadline, function()
        return #vim.diagnostic.get(bufnr) == 0
      end, 20)
      result.fixed_text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
    end
  end

  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(deadline, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 20)
end

local ok, err = pcall(run)
result.ok = ok
result.error = ok and vim.NIL or tostring(err)
write_result()
vim.cmd("qa!")
