-- A short scenario for headless Neovim (run with -S after the file name): the
-- archrules client attaches to the current buffer and a diagnostic with code
-- $ARCHRULES_EXPECT_CODE appears (or, with $ARCHRULES_EXPECT_NO_CLIENT=1, no
-- archrules client was started for it). One JSON line per step in
-- $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local code = assert(os.getenv('ARCHRULES_EXPECT_CODE'))
local buf = vim.api.nvim_get_current_buf()

if os.getenv('ARCHRULES_EXPECT_NO_CLIENT') == '1' then
  -- FileType has run, and vim.lsp.start creates its client at once: a client
  -- that was started would be listed here, initialized or not.
  local started = vim.lsp.get_clients({ bufnr = buf, name = 'archrules', _uninitialized = true })
  emit('no-client', #started == 0, { filetype = vim.bo[buf].filetype, clients = #started })
  results.close()
  vim.cmd(#started == 0 and 'qall!' or 'cquit 1')
  return
end

local client
if not vim.wait(15000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'archrules' })[1]
  return client ~= nil and client.initialized
end, 20) then
  return fail('attach', { filetype = vim.bo[buf].filetype, error = 'no archrules client attached within 15 s' })
end
emit('attach', true, { filetype = vim.bo[buf].filetype, root_dir = client.root_dir })

local found
if not vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      found = d
    end
  end
  return found ~= nil
end, 20) then
  return fail('diagnostic', { error = 'no ' .. code .. ' diagnostic within 20 s', all = vim.diagnostic.get(buf) })
end
emit('diagnostic', true, { code = found.code, source = found.source, lnum = found.lnum, message = found.message })
results.close()
vim.cmd('qall!')
