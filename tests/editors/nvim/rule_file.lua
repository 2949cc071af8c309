-- A rule file edited in headless Neovim (run with -S after the rule file's name):
-- one edit breaks the first `severity: warning` (the error must appear with no
-- further edit: Neovim 0.11 pulls once per change and the server sends it no
-- refresh), one edit fixes it (the error must go), then :write (it must stay
-- gone). One JSON line per step in $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local buf = vim.api.nvim_get_current_buf()
local GOOD, BROKEN = 'warning', '[unclosed'

local function errors()
  return vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
end

local function shown()
  return vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, severity = d.severity, source = d.source, message = d.message }
  end, vim.diagnostic.get(buf))
end

-- one nvim_buf_set_text: one change, so one didChange and one pull
local function set_severity(lnum, col, old, new)
  vim.api.nvim_buf_set_text(buf, lnum, col, lnum, col + #old, { new })
end

-- archrules/status arrives after every rules reload (the one a save triggers too)
local statuses = 0
vim.lsp.handlers['archrules/status'] = function()
  statuses = statuses + 1
end

results.run(function()
  local client = results.attached(buf)
  if not client then
    return fail('attach', { filetype = vim.bo[buf].filetype, error = 'no archrules client attached within 15 s' })
  end
  emit('attach', true, { filetype = vim.bo[buf].filetype, root_dir = client.root_dir })

  local lnum, col
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local at = line:find('severity: ' .. GOOD, 1, true)
    if at then
      lnum, col = i - 1, at - 1 + #'severity: '
      break
    end
  end
  if not lnum then
    return fail('broken', { error = 'no `severity: ' .. GOOD .. '` line in the rule file' })
  end

  set_severity(lnum, col, GOOD, BROKEN)
  local appeared = vim.wait(15000, function()
    return #errors() > 0
  end, 20)
  if not appeared then
    return fail('broken', { lnum = lnum, error = 'no error within 15 s of the breaking edit', shown = shown() })
  end
  emit('broken', errors()[1].lnum == lnum, { lnum = lnum, shown = shown() })

  set_severity(lnum, col, BROKEN, GOOD)
  local cleared = vim.wait(15000, function()
    return #errors() == 0
  end, 20)
  emit('fixed', cleared, { shown = shown() })
  if not cleared then
    return fail('fixed', { error = 'the error stayed 15 s after the fixing edit', shown = shown() })
  end

  local before = statuses
  vim.cmd('write')
  local reloaded = vim.wait(15000, function()
    return statuses > before
  end, 20)
  -- what Neovim's next pull would get, besides what it shows now
  local pulled = client:request_sync('textDocument/diagnostic',
    { textDocument = { uri = vim.uri_from_bufnr(buf) } }, 5000, buf)
  emit('written', reloaded and not vim.bo[buf].modified, {
    shown = shown(),
    pulled = pulled and pulled.result and pulled.result.items or vim.NIL,
    pull_error = pulled and pulled.err or vim.NIL,
  })
end)
