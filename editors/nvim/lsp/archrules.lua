---@brief
---
--- https://pypi.org/project/archrules-lsp/
---
--- `archrules-lsp` checks code against architecture rules written in YAML
--- (`.architecture-rules/*.yaml`, `.architecture-rules.yaml`, or the files named
--- by `[tool.archrules] rules` in `pyproject.toml`): diagnostics with the rule id
--- as code, hover with the rule's suggestion, and quick fixes (insert the
--- suggested line, ignore the rule on a line or in a file). It can be installed
--- via `pip`:
---
--- ```sh
--- pip install archrules-lsp
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
--- Commands (`:lua vim.lsp.buf.execute_command` or a code action):
--- `archrules.reloadRules`, `archrules.checkWorkspace`, `archrules.fixAll`
--- (argument: a document URI), `archrules.showRule` (argument: a rule id).

---@type vim.lsp.Config
return {
  cmd = { 'archrules-lsp' },
  filetypes = {
    'python',
    'javascript',
    'javascriptreact',
    'typescript',
    'typescriptreact',
    'vue',
    'svelte',
    'html',
    'htmldjango',
    'css',
    'scss',
    'yaml',
  },
  root_markers = { '.architecture-rules', '.architecture-rules.yaml', 'pyproject.toml', '.git' },
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
    },
  },
}
