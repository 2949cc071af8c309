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

return M
