-- Code lens in headless Neovim (run with -S after a rule file's name):
-- vim.lsp.codelens.refresh() until the lens text Neovim shows at the end of each
-- rule's `- id:` line is $ARCHRULES_EXPECT_LENSES (JSON {rule id: text}), or 60 s
-- went by; then what vim.lsp.codelens.get() holds and what the buffer shows. One
-- JSON line per step in $ARCHRULES_TEST_RESULTS; exits 1 on failure.
local results = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'results.lua'))
local emit, fail = results.emit, results.fail
local expected = vim.json.decode(assert(os.getenv('ARCHRULES_EXPECT_LENSES')))
local buf = vim.api.nvim_get_current_buf()

local function rule_id_at(lnum)
  local line = vim.api.nvim_buf_get_lines(buf, lnum, lnum + 1, false)[1] or ''
  return line:match('id:%s*([%w_%-]+)') or ('line ' .. lnum)
end

-- {rule id: the virtual text Neovim draws for the lenses on its line}
local function displayed(client)
  local ns = vim.lsp.codelens.__namespaces[client.id]
  local out = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local text = vim.iter(mark[4].virt_text or {}):map(function(chunk)
      return chunk[1]
    end):join('')
    out[rule_id_at(mark[2])] = text
  end
  return out
end

results.run(function()
  local client = results.attached(buf)
  if not client then
    return fail('attach', { error = 'no archrules client attached within 15 s' })
  end
  emit('attach', true, { filetype = vim.bo[buf].filetype, root_dir = client.root_dir })

  local shown = {}
  local settled = vim.wait(60000, function()
    vim.lsp.codelens.refresh({ bufnr = buf })
    vim.wait(300)
    shown = displayed(client)
    return vim.deep_equal(shown, expected)
  end, 50)
  local lenses = vim.tbl_map(function(lens)
    return { rule = rule_id_at(lens.range.start.line), line = lens.range.start.line,
             title = lens.command and lens.command.title or vim.NIL,
             command = lens.command and lens.command.command or vim.NIL }
  end, vim.lsp.codelens.get(buf))
  emit('code-lens', settled, { shown = shown, lenses = lenses })
end)
