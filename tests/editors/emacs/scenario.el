;;; scenario.el --- archrules-lsp in Emacs + eglot, headless  -*- lexical-binding: t -*-
;; Run: emacs --batch -l scenario.el   (env: ARCHRULES_LSP, ARCHRULES_FILE,
;; ARCHRULES_TEST_RESULTS, ARCHRULES_EXPECT_CODE, ARCHRULES_EXPECT_LINE)
;; Steps, one JSON line each: attach, diagnostic, hover, code_actions, apply,
;; cleared, write. The eglot set-up is the one editors/README.md documents.
(require 'cl-lib)
(require 'json)
(require 'subr-x)
(require 'eglot)

(defvar archrules--start (float-time))
(defvar archrules--results (getenv "ARCHRULES_TEST_RESULTS"))
(defvar archrules--code (or (getenv "ARCHRULES_EXPECT_CODE") "BG-001"))
(defvar archrules--line (getenv "ARCHRULES_EXPECT_LINE"))

(defun archrules--emit (step ok &rest data)
  (let ((json-encoding-pretty-print nil)
        (obj (append (list (cons 'step step) (cons 'ok (if ok t :json-false))
                           (cons 'ms (round (* 1000 (- (float-time) archrules--start)))))
                     (cl-loop for (k v) on data by #'cddr collect (cons k v)))))
    (with-temp-buffer
      (insert (json-encode obj) "\n")
      (append-to-file (point-min) (point-max) archrules--results))))

(defun archrules--fail (step &rest data)
  (apply #'archrules--emit step nil data)
  (kill-emacs 1))

(defun archrules--wait (seconds pred)
  "Pump process output until PRED is non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)) (v nil))
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))

(defun archrules--ours ()
  (cl-remove-if-not
   (lambda (d)
     (let ((lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
       (equal (plist-get lsp :code) archrules--code)))
   (flymake-diagnostics)))

(defun archrules--refresh ()
  (when (eglot-current-server) (eglot--signal-textDocument/didChange))
  (flymake-start))

;;; The documented set-up: archrules-lsp for these modes (in front of the
;;; other servers eglot knows for them).
(add-to-list 'eglot-server-programs
             `((python-mode js-mode typescript-mode yaml-mode) . (,(getenv "ARCHRULES_LSP"))))
(add-hook 'python-mode-hook #'eglot-ensure)
(setq eglot-sync-connect t
      eglot-autoshutdown t
      flymake-no-changes-timeout nil)

(condition-case err
    (progn
      (find-file (getenv "ARCHRULES_FILE"))
      ;; eglot-ensure connects from post-command-hook, which batch mode never runs
      (run-hooks 'post-command-hook)
      (unless (archrules--wait 20 (lambda () (and (eglot-current-server) eglot--managed-mode)))
        (archrules--fail "attach" 'error "eglot did not manage the buffer within 20 s"))
      (let ((server (eglot-current-server)))
        (archrules--emit "attach" t
                         'major_mode (symbol-name major-mode)
                         'root (expand-file-name (project-root (eglot--project server)))
                         'server (plist-get (eglot--server-info server) :name)))

      ;; diagnostic
      (unless (archrules--wait 20 (lambda () (archrules--refresh) (archrules--ours)))
        (archrules--fail "diagnostic" 'error (format "no %s diagnostic within 20 s: %S"
                                                    archrules--code (flymake-diagnostics))))
      (let* ((d (car (archrules--ours)))
             (lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
        (archrules--emit "diagnostic" t
                         'text (flymake-diagnostic-text d)
                         'type (symbol-name (flymake-diagnostic-type d))
                         'source (plist-get lsp :source)
                         'code (plist-get lsp :code)
                         'line (line-number-at-pos (flymake-diagnostic-beg d)))

        ;; hover at the diagnostic
        (goto-char (flymake-diagnostic-beg d))
        (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                       (eglot--TextDocumentPositionParams)))
               (contents (plist-get hover :contents))
               (text (cond ((stringp contents) contents)
                           ((plist-get contents :value))
                           ((vectorp contents)
                            (mapconcat (lambda (c) (if (stringp c) c (plist-get c :value))) contents "\n"))
                           (t ""))))
          (archrules--emit "hover" (and (string-search archrules--line text) t) 'text text))

        ;; the quick fixes offered, then apply the rule fix the way
        ;; `M-x eglot-code-actions' does, answering its menu with that title
        (let* ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d))
               (actions (eglot-code-actions beg end "quickfix"))
               (titles (mapcar (lambda (a) (plist-get a :title)) actions))
               (chosen (cl-find-if (lambda (title) (not (string-match-p "\\`\\(Ignore\\|Show rule\\)" title)))
                                   titles))
               (tick (buffer-modified-tick)))
          (archrules--emit "code_actions" (and chosen t) 'titles (vconcat titles) 'chosen chosen)
          (unless chosen (archrules--fail "apply" 'error "no rule fix offered"))
          (cl-letf (((symbol-function 'completing-read)
                     (lambda (_prompt _coll &rest _) chosen))
                    (last-nonmenu-event ?\r))
            (eglot-code-actions beg end "quickfix" t))
          (archrules--wait 5 (lambda () (/= tick (buffer-modified-tick))))
          (archrules--emit "apply" (and (save-excursion (goto-char (point-min))
                                                        (search-forward archrules--line nil t))
                                        t)
                           'line (save-excursion (goto-char (point-min))
                                                 (when (search-forward archrules--line nil t)
                                                   (line-number-at-pos))))))

      ;; the diagnostic clears
      (let ((cleared (archrules--wait 15 (lambda () (archrules--refresh) (null (archrules--ours))))))
        (archrules--emit "cleared" (and cleared t)))

      (save-buffer)
      (archrules--emit "write" (not (buffer-modified-p)) 'file buffer-file-name)
      (kill-emacs 0))
  (error (archrules--fail "error" 'error (format "%S" err))))
