" Drives archrules-lsp in headless Vim + ALE. Run:
"   vim -N -u vimrc -i NONE -n -es -S scenario.vim FILE
" One JSON line per step in $ARCHRULES_TEST_RESULTS: attach+diagnostic, hover,
" code_actions, apply, cleared, write. Exits 1 on failure.
let s:results = $ARCHRULES_TEST_RESULTS
let s:code = empty($ARCHRULES_EXPECT_CODE) ? 'BG-001' : $ARCHRULES_EXPECT_CODE
let s:line = $ARCHRULES_EXPECT_LINE
let s:start = reltime()
let s:buf = bufnr('')

function! s:Emit(step, ok, data) abort
  let l:rec = extend({'step': a:step, 'ok': a:ok ? v:true : v:false,
  \ 'ms': float2nr(reltimefloat(reltime(s:start)) * 1000)}, a:data)
  call writefile([json_encode(l:rec)], s:results, 'a')
endfunction

function! s:Fail(step, data) abort
  call s:Emit(a:step, 0, a:data)
  cquit 1
endfunction

" Wait up to ms for the expression to be true (callbacks run during :sleep).
function! s:Wait(ms, expr) abort
  let l:waited = 0
  while !eval(a:expr) && l:waited < a:ms
    sleep 20m
    let l:waited += 20
  endwhile
  return eval(a:expr)
endfunction

function! s:Ours() abort
  let l:info = get(g:ale_buffer_info, s:buf, {})
  return filter(copy(get(l:info, 'loclist', [])), 'get(v:val, "code", "") is# s:code')
endfunction

function! s:PreviewLines() abort
  for l:w in range(1, winnr('$'))
    if getwinvar(l:w, '&previewwindow')
      return getbufline(winbufnr(l:w), 1, '$')
    endif
  endfor
  return []
endfunction

try
  call s:Emit('config', 1, {'filetype': &filetype, 'linters': map(ale#linter#Get(&filetype), 'v:val.name'),
  \ 'root': ArchrulesRoot(s:buf)})
  ALELint
  if !s:Wait(20000, 'len(s:Ours()) > 0')
    call s:Fail('diagnostic', {'error': 'no ' . s:code . ' diagnostic within 20 s',
    \ 'loclist': get(get(g:ale_buffer_info, s:buf, {}), 'loclist', [])})
  endif
  let s:d = s:Ours()[0]
  call s:Emit('diagnostic', 1, {'code': s:d.code, 'text': s:d.text, 'type': s:d.type,
  \ 'lnum': s:d.lnum, 'col': s:d.col, 'linter': s:d.linter_name})

  " hover at the diagnostic (into the preview window)
  call cursor(s:d.lnum, s:d.col)
  call ale#hover#ShowAtCursor()
  call s:Wait(10000, 'len(s:PreviewLines()) > 0')
  let s:hover = join(s:PreviewLines(), "\n")
  call s:Emit('hover', stridx(s:hover, s:line) >= 0, {'text': s:hover})
  pclose

  " code actions: the list :ALECodeAction offers, then apply the rule fix
  let s:actions = []
  let s:data = {}
  let s:answered = 0
  function! s:Menu(data, items) abort
    let s:data = a:data
    let s:actions = a:items
    let s:answered = 1
  endfunction
  call cursor(s:d.lnum, s:d.col)
  call ale#codefix#Execute(0, function('s:Menu'))
  call s:Wait(10000, 's:answered')
  let s:titles = map(copy(s:actions), 'v:val[1].title')
  let s:chosen = -1
  for s:i in range(len(s:titles))
    if s:titles[s:i] !~# '^\(Ignore\|Show rule\)'
      let s:chosen = s:i
      break
    endif
  endfor
  call s:Emit('code_actions', s:chosen >= 0, {'titles': s:titles})
  if s:chosen < 0
    " reported by the test (ALE sends the diagnostic without its `data`)
    qall!
  endif
  let s:tick = b:changedtick
  call ale#codefix#ApplyLSPCodeAction(s:data, s:actions[s:chosen][1])
  call s:Wait(5000, 'b:changedtick != s:tick')
  let s:at = match(getline(1, '$'), '\V' . escape(s:line, '\'))
  call s:Emit('apply', s:at >= 0, {'line': s:at + 1, 'title': s:titles[s:chosen]})

  " the diagnostic clears after ALE sends the change
  ALELint
  let s:cleared = s:Wait(15000, 'len(s:Ours()) == 0')
  call s:Emit('cleared', s:cleared, {})

  write
  call s:Emit('write', !&modified, {'file': expand('%:p')})
catch
  call s:Fail('error', {'error': v:exception, 'where': v:throwpoint})
endtry
qall!
