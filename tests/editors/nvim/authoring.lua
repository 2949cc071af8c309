-- Rule authoring in headless Neovim (run with -S after the rule file's name), the
-- way a user does it with Neovim's defaults (omnifunc = vim.lsp.omnifunc, K =
-- vim.lsp.buf.hover): <C-x><C-o> on a new key line inside rule
-- $ARCHRULES_RULE_ID lists the keys the rule can still take; K on its `severity`
-- key opens a float with the key's documentation; in $ARCHRULES_IGNORE_FILE,
-- <C-x><C-o> after `# archrules: ignore[` lists the rule ids. What the popup menu
-- and the float show is reported, one JSON line per step in $ARCHRULES_TEST_RESULTS;
-- exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local rule_id = assert(os.getenv('ARCHRULES_RULE_ID'))
local ignore_file = assert(os.getenv('ARCHRULES_IGNORE_FILE'))

-- The 0-based line that starts with `pattern` (plain text), or nil.
local function line_of(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(pattern, 1, true) == 1 then
      return i - 1
    end
  end
end

-- A new line `text` after 0-based line `after`, then `A<C-x><C-o>` on it: the
-- popup menu's entries once the server answered (the menu is closed again).
local function omni_complete(buf, after, text)
  vim.api.nvim_buf_set_lines(buf, after + 1, after + 1, false, { text })
  vim.api.nvim_win_set_cursor(0, { after + 2, 0 })
  local shown, info = false, {}
  local deadline = vim.uv.now() + 15000
  local timer = assert(vim.uv.new_timer())
  -- polls from inside Insert mode, where the async answer lands; leaves it with <Esc>
  timer:start(20, 20, vim.schedule_wrap(function()
    if timer:is_closing() or (vim.fn.pumvisible() == 0 and vim.uv.now() < deadline) then
      return
    end
    timer:close()
    shown = vim.fn.pumvisible() == 1
    info = vim.fn.complete_info({ 'items', 'mode' })
    vim.api.nvim_feedkeys(vim.keycode('<C-e><Esc>'), 'n', false)
  end))
  -- 'x!': run the keys now and stay in Insert mode until the <Esc> above
  vim.api.nvim_feedkeys(vim.keycode('A<C-x><C-o>'), 'xt!', false)
  local items = vim.tbl_map(function(item)
    return { word = item.word, abbr = item.abbr, kind = item.kind, info = item.info }
  end, info.items or {})
  return shown, items, info.mode
end

-- The lines of the first floating window, once one is open.
local function float_lines()
  local lines
  vim.wait(10000, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
        return true
      end
    end
  end, 20)
  return lines
end

local function key_completion(buf)
  local id_line = line_of(buf, '  - id: ' .. rule_id)
  if not id_line then
    return fail('key-completion', { error = 'no `  - id: ' .. rule_id .. '` line' })
  end
  local shown, items, mode = omni_complete(buf, id_line, '    ')
  emit('key-completion', shown, { items = items, mode = mode, omnifunc = vim.bo[buf].omnifunc })
  vim.api.nvim_buf_set_lines(buf, id_line + 1, id_line + 2, false, {})
  return id_line
end

local function key_hover(buf, id_line)
  local lines = vim.api.nvim_buf_get_lines(buf, id_line, -1, false)
  for offset, line in ipairs(lines) do
    local col = line:find('severity:', 1, true)
    if col and line:match('^%s+severity:') then
      vim.api.nvim_win_set_cursor(0, { id_line + offset, col })
      vim.lsp.buf.hover()
      local shown = float_lines()
      emit('key-hover', shown ~= nil, { line = line, float = shown or vim.NIL })
      vim.cmd('fclose!')
      return
    end
  end
  fail('key-hover', { error = 'no severity key below ' .. rule_id })
end

local function ignore_completion()
  vim.cmd('edit ' .. vim.fn.fnameescape(ignore_file))
  local buf = vim.api.nvim_get_current_buf()
  if not results.attached(buf) then
    return fail('ignore-completion', { error = 'no archrules client on ' .. ignore_file })
  end
  local last = vim.api.nvim_buf_line_count(buf) - 1
  local shown, items = omni_complete(buf, last, 'print("x")  # archrules: ignore[')
  emit('ignore-completion', shown, { items = items, omnifunc = vim.bo[buf].omnifunc,
                                     filetype = vim.bo[buf].filetype })
end

results.run(function()
  local buf = vim.api.nvim_get_current_buf()
  local client = results.attached(buf)
  if not client then
    return fail('attach', { filetype = vim.bo[buf].filetype, error = 'no archrules client attached within 15 s' })
  end
  emit('attach', true, { filetype = vim.bo[buf].filetype, root_dir = client.root_dir })
  local id_line = key_completion(buf)
  key_hover(buf, id_line)
  ignore_completion()
end)
