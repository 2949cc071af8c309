-- Drives one scenario in headless Neovim (run with -S after the file name):
-- attach, BG-001 diagnostic, hover, quick fix, diagnostic cleared, :write.
-- Each step is one JSON line in $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local code = os.getenv('ARCHRULES_EXPECT_CODE') or 'BG-001'
local expect_line = assert(os.getenv('ARCHRULES_EXPECT_LINE'))
local buf = vim.api.nvim_get_current_buf()

local function ours()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      table.insert(found, d)
    end
  end
  return found
end

local function hover_text(result)
  local c = result and result.contents
  if type(c) == 'string' then
    return c
  elseif type(c) == 'table' and c.value then
    return c.value
  elseif type(c) == 'table' then
    local parts = {}
    for _, p in ipairs(c) do
      table.insert(parts, type(p) == 'string' and p or p.value)
    end
    return table.concat(parts, '\n')
  end
  return ''
end

local function edit_texts(action)
  local texts = {}
  local e = action.edit or {}
  for _, edits in pairs(e.changes or {}) do
    for _, te in ipairs(edits) do
      table.insert(texts, te.newText)
    end
  end
  for _, dc in ipairs(e.documentChanges or {}) do
    for _, te in ipairs(dc.edits or {}) do
      table.insert(texts, te.newText)
    end
  end
  return table.concat(texts, '\n')
end

results.run(function()
  -- 0. the config Neovim uses is the shipped file
  local cfg = (vim.lsp.config and vim.lsp.config.archrules) or {}
  emit('config', true, {
    files = vim.api.nvim_get_runtime_file('lsp/archrules.lua', true),
    filetypes = cfg.filetypes,
    root_markers = cfg.root_markers,
    cmd = cfg.cmd,
    settings = cfg.settings,
    filetype = vim.bo[buf].filetype,
  })

  -- 1. attach
  local client = results.attached(buf)
  if not client then
    return fail('attach', { error = 'no archrules client attached within 15 s' })
  end
  emit('attach', true, {
    root_dir = client.root_dir,
    offset_encoding = client.offset_encoding,
    server_info = client.server_info,
  })

  -- 2. the diagnostic
  if not vim.wait(20000, function()
    return #ours() > 0
  end, 20) then
    return fail('diagnostic', { error = 'no ' .. code .. ' diagnostic within 20 s', all = vim.diagnostic.get(buf) })
  end
  local d = ours()[1]
  emit('diagnostic', true, {
    code = d.code,
    source = d.source,
    message = d.message,
    severity = d.severity,
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
  })

  -- 3. hover at the diagnostic
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local hov = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000) or {}
  local text = ''
  for _, r in pairs(hov) do
    text = text .. hover_text(r.result)
  end
  emit('hover', text:find(expect_line, 1, true) ~= nil, { text = text })

  -- 4. the code actions offered for it, and the one to apply
  local lsp_diags = {}
  for _, x in ipairs(ours()) do
    table.insert(lsp_diags, x.user_data and x.user_data.lsp or nil)
  end
  local ca_params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = d.lnum, character = 0 },
      ['end'] = { line = d.lnum, character = 0 },
    },
    context = { diagnostics = lsp_diags, only = { 'quickfix' } },
  }
  -- the range in the negotiated encoding
  local lsp_d = lsp_diags[1]
  if lsp_d then
    ca_params.range = lsp_d.range
  end
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', ca_params, 5000) or {}
  local titles, chosen = {}, nil
  for _, r in pairs(res) do
    for _, a in ipairs(r.result or {}) do
      table.insert(titles, a.title)
      local full = a
      if not a.edit and a.data ~= nil then
        -- lazily resolved edit (the client advertises codeAction/resolve)
        local resolved = client:request_sync('codeAction/resolve', a, 5000, buf)
        full = resolved and resolved.result or a
      end
      if not chosen and edit_texts(full):find(expect_line, 1, true) then
        chosen = a.title
      end
    end
  end
  if not chosen then
    return fail('code_actions', { error = 'no quick fix inserts the expected line', titles = titles })
  end
  emit('code_actions', true, { titles = titles, chosen = chosen })

  -- 5. apply it the way a user would
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' }, diagnostics = lsp_diags },
    range = { start = { d.lnum + 1, 0 }, ['end'] = { (d.end_lnum or d.lnum) + 1, 0 } },
    filter = function(a)
      return a.title == chosen
    end,
  })
  if not vim.wait(5000, function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end, 20) then
    return fail('apply', { error = 'the buffer did not change within 5 s' })
  end
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local at
  for i, l in ipairs(lines) do
    if l:find(expect_line, 1, true) then
      at = i
    end
  end
  emit('apply', at ~= nil, { line = at, text = at and lines[at] or nil })

  -- 6. the diagnostic goes away
  local cleared = vim.wait(10000, function()
    return #ours() == 0
  end, 20)
  emit('cleared', cleared, { remaining = cleared and {} or vim.tbl_map(function(x)
    return x.message
  end, ours()) })

  -- 7. save
  vim.cmd('write')
  emit('write', not vim.bo[buf].modified, { file = vim.api.nvim_buf_get_name(buf) })
end)
