-- A rule edited while a file it flags is open, in headless Neovim (run with -S after
-- that file's name): the $ARCHRULES_EXPECT_CODE diagnostic shows; then, in
-- $ARCHRULES_RULE_FILE, opened in a split above, the rule's first `severity: error`
-- becomes `warning` and is written; in the first buffer, still shown below and not
-- edited, the diagnostic must turn into a warning. One JSON line per step in $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local code = assert(os.getenv('ARCHRULES_EXPECT_CODE'))
local rule_file = assert(os.getenv('ARCHRULES_RULE_FILE'))
local buf = vim.api.nvim_get_current_buf()

local function ours()
  return vim.tbl_map(function(d)
    return { lnum = d.lnum, severity = d.severity, message = d.message }
  end, vim.tbl_filter(function(d)
    return d.code == code
  end, vim.diagnostic.get(buf)))
end

local function has_severity(severity)
  return vim.iter(ours()):any(function(d)
    return d.severity == severity
  end)
end

results.run(function()
  if not vim.wait(20000, function()
    return has_severity(vim.diagnostic.severity.ERROR)
  end, 20) then
    return fail('error-shown', { error = 'no ' .. code .. ' error within 20 s', all = vim.diagnostic.get(buf) })
  end
  emit('error-shown', true, { shown = ours() })

  vim.cmd('split ' .. vim.fn.fnameescape(rule_file))
  local rules = vim.api.nvim_get_current_buf()
  local lines = vim.api.nvim_buf_get_lines(rules, 0, -1, false)
  local start = vim.iter(ipairs(lines)):find(function(_, line)
    return line:find('id: ' .. code, 1, true) ~= nil
  end)
  for i = start, #lines do
    if lines[i]:match('^%s+severity: error$') then
      vim.api.nvim_buf_set_lines(rules, i - 1, i, false, { (lines[i]:gsub('error$', 'warning')) })
      break
    end
  end
  vim.cmd('write')

  local turned = vim.wait(15000, function()
    return has_severity(vim.diagnostic.severity.WARN) and not has_severity(vim.diagnostic.severity.ERROR)
  end, 20)
  emit('warning-shown', turned, { shown = ours(), modified = vim.bo[buf].modified })
end)
