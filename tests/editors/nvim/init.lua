-- Minimal Neovim config for tests/editors/test_neovim.py: the shipped
-- editors/nvim/lsp/archrules.lua on the runtimepath, only `cmd` overridden.
vim.g.loaded_python3_provider = 0
vim.g.loaded_node_provider = 0
vim.g.loaded_perl_provider = 0
vim.g.loaded_ruby_provider = 0
vim.opt.runtimepath:prepend(assert(os.getenv('ARCHRULES_NVIM_RTP')))
-- DEBUG for the artifacts; a test of what users see sets Neovim's default, WARN
vim.lsp.log.set_level(os.getenv('ARCHRULES_NVIM_LOG_LEVEL') or vim.log.levels.DEBUG)
vim.lsp.config('archrules', { cmd = { assert(os.getenv('ARCHRULES_LSP')) } })
vim.lsp.enable('archrules')
