-- The baseline in headless Neovim (run with -S after a file whose
-- $ARCHRULES_EXPECT_CODE findings are all in the project's baseline): what the
-- frozen findings show as; then the line $ARCHRULES_NEW_VIOLATION typed after the
-- first line starting with $ARCHRULES_INSERT_AFTER (a new finding); then the quick
-- fix "Add <code> here to the baseline" chosen from the code action menu
-- (vim.lsp.buf.code_action -> vim.ui.select) on it: the baseline file changes, and
-- the error goes with no further edit. One JSON line per step in
-- $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local code = assert(os.getenv('ARCHRULES_EXPECT_CODE'))
local new_line = assert(os.getenv('ARCHRULES_NEW_VIOLATION'))
local insert_after = assert(os.getenv('ARCHRULES_INSERT_AFTER'))
local baseline_file = vim.fs.joinpath(vim.fn.getcwd(), '.archrules-baseline.json')
local buf = vim.api.nvim_get_current_buf()

local function shown()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      table.insert(out, { lnum = d.lnum, severity = d.severity, message = d.message })
    end
  end
  return out
end

local function errors_at(lnum)
  return vim.tbl_filter(function(d)
    return d.lnum == lnum and d.severity == vim.diagnostic.severity.ERROR
  end, shown())
end

local function read_baseline()
  local f = io.open(baseline_file, 'r')
  if not f then
    return nil
  end
  local text = f:read('*a')
  f:close()
  return text
end

-- The titles of the code action menu at the cursor, and the one chosen (by Lua pattern).
local function choose_code_action(pattern)
  local menu, chosen = nil, nil
  vim.ui.select = function(items, opts, on_choice)
    menu = vim.tbl_map(opts.format_item, items)
    for i, item in ipairs(items) do
      if not chosen and item.action.title:match(pattern) then
        chosen = item.action.title
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action({ context = { only = { 'quickfix' } } })
  vim.wait(10000, function()
    return menu ~= nil
  end, 20)
  return menu, chosen
end

results.run(function()
  local client = results.attached(buf)
  if not client then
    return fail('attach', { error = 'no archrules client attached within 15 s' })
  end
  emit('attach', true, { filetype = vim.bo[buf].filetype, root_dir = client.root_dir })

  local frozen = vim.wait(20000, function()
    return #shown() > 0
  end, 20)
  emit('frozen', frozen, { shown = shown() })
  if not frozen then
    return fail('frozen', { error = 'no ' .. code .. ' diagnostic within 20 s', all = vim.diagnostic.get(buf) })
  end

  local lnum
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if not lnum and line:find(insert_after, 1, true) == 1 then
      lnum = i
    end
  end
  if not lnum then
    return fail('new-violation', { error = 'no line starts with ' .. insert_after })
  end
  vim.api.nvim_buf_set_lines(buf, lnum, lnum, false, { new_line })
  local appeared = vim.wait(15000, function()
    return #errors_at(lnum) > 0
  end, 20)
  emit('new-violation', appeared, { lnum = lnum, shown = shown() })
  if not appeared then
    return fail('new-violation', { error = 'no error on the typed line within 15 s' })
  end

  local before = read_baseline()
  vim.api.nvim_win_set_cursor(0, { lnum + 1, #new_line - 1 })
  local menu, chosen = choose_code_action('^Add .* to the baseline$')
  local written = vim.wait(15000, function()
    return read_baseline() ~= before
  end, 20)
  emit('baseline-written', written and chosen ~= nil, { menu = menu or vim.NIL, chosen = chosen or vim.NIL })
  if not written then
    return fail('baseline-written', { error = 'the baseline file did not change within 15 s' })
  end

  -- with no further edit: what the user sees right after choosing the action
  local cleared = vim.wait(15000, function()
    return #errors_at(lnum) == 0
  end, 20)
  emit('cleared', cleared, { shown = shown() })
end)
