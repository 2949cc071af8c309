-- What the scenario scripts report: one JSON line per step in $ARCHRULES_TEST_RESULTS
-- (with the milliseconds since the script started); a failed step ends Neovim with 1.
local M = {}
local out = assert(io.open(assert(os.getenv('ARCHRULES_TEST_RESULTS')), 'a'))
local start = vim.uv.hrtime()

function M.emit(step, ok, data)
  local rec = { step = step, ok = ok, ms = math.floor((vim.uv.hrtime() - start) / 1e6) }
  out:write(vim.json.encode(vim.tbl_extend('force', rec, data or {})), '\n')
  out:flush()
end

function M.fail(step, data)
  M.emit(step, false, data)
  out:close()
  vim.cmd('cquit 1')
end

function M.close()
  out:close()
end

--- The archrules client attached to `buf`, once initialized (nil after 15 s).
function M.attached(buf)
  local client
  local ok = vim.wait(15000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'archrules' })[1]
    return client ~= nil and client.initialized
  end, 20)
  return ok and client or nil
end

--- Run a scenario's steps: an error in them is a failed step; then Neovim quits.
function M.run(steps)
  local ok, err = xpcall(steps, debug.traceback)
  if not ok then
    M.fail('error', { error = tostring(err) })
  end
  M.close()
  vim.cmd('qall!')
end

return M
