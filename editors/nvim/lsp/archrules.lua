---@brief
---
--- https://pypi.org/project/archrules-lsp/
---
--- `archrules-lsp` checks code against architecture rules written in YAML
--- (`.architecture-rules/*.yaml`, `.architecture-rules.yaml`, or the files named
--- by `[tool.archrules] rules` in `pyproject.toml`): diagnostics with the rule id
--- as code, hover with the rule's suggestion, and quick fixes (insert the
--- suggested line, ignore the rule on a line or in a file). It can be installed
--- via `pip`, from a checkout of the repository until it is published on PyPI:
---
--- ```sh
--- pip install /path/to/archrules-lsp    # the checkout, for now
--- pip install archrules-lsp             # once published
--- ```
---
--- Server settings go under `settings.archrules` (the defaults are listed below):
---
--- ```lua
--- vim.lsp.config('archrules', {
---   settings = {
---     archrules = {
---       diagnosticMode = 'workspace',
---       severityOverrides = { ['BG-041'] = 'off' },
---     },
---   },
--- })
--- ```
---
--- Commands (`Client:exec_cmd()`, or a code action):
--- `archrules.reloadRules`, `archrules.checkWorkspace`, `archrules.fixAll`
--- (argument: a document URI), `archrules.showRule` (argument: a rule id):
---
--- ```lua
--- local client = vim.lsp.get_clients({ name = 'archrules' })[1]
--- client:exec_cmd({ title = 'fix all', command = 'archrules.fixAll', arguments = { vim.uri_from_bufnr(0) } })
--- ```
---
--- No `filetypes`: a rule's glob can name any file (`*.go`, `*.tsx`, ...), so the
--- server attaches to every file buffer in a project (found by `root_markers`;
--- `workspace_required`: none outside one) and ignores the files no rule names.
---
--- Neovim 0.11 pulls diagnostics only after an edit of the buffer; the
--- `workspace/diagnostic/refresh` handler below pulls them again when the rules,
--- the settings or the baseline change (e.g. "Add ... to the baseline").

--- The server's `workspace/diagnostic/refresh`: pull every attached buffer's diagnostics again.
local function refresh_diagnostics(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  for bufnr in pairs(client and client.attached_buffers or {}) do
    client:request('textDocument/diagnostic', { textDocument = vim.lsp.util.make_text_document_params(bufnr) },
      nil, bufnr)
  end
  return vim.NIL
end

---@type vim.lsp.Config
return {
  cmd = { 'archrules-lsp' },
  root_markers = { '.architecture-rules', '.architecture-rules.yaml', 'pyproject.toml', '.git' },
  workspace_required = true,
  capabilities = { workspace = { diagnostics = { refreshSupport = true } } },
  handlers = { ['workspace/diagnostic/refresh'] = refresh_diagnostics },
  settings = {
    archrules = {
      enable = true,
      rules = {},
      include = {},
      exclude = {},
      diagnosticMode = 'openFilesOnly',
      select = {},
      ignore = {},
      severityOverrides = vim.empty_dict(),
      debounceMs = 150,
      logLevel = 'info',
      maxFileSize = 1000000,
      baseline = 'hint',
      maxDiagnosticsPerFile = 1000,
    },
  },
}
