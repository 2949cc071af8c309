;;; scenario-lsp-mode.el --- archrules-lsp in Emacs + lsp-mode, headless  -*- lexical-binding: t -*-
;; Run: emacs --batch -l scenario-lsp-mode.el   (env as scenario.el)
;; Steps, one JSON line each: attach, diagnostic, hover, code_actions, apply,
;; cleared, write. The lsp-mode registration is the one editors/README.md documents.
(require 'cl-lib)
(require 'json)
(require 'subr-x)
(require 'lsp-mode)

(defvar archrules--start (float-time))
(defvar archrules--results (getenv "ARCHRULES_TEST_RESULTS"))
(defvar archrules--code (or (getenv "ARCHRULES_EXPECT_CODE") "BG-001"))
(defvar archrules--line (getenv "ARCHRULES_EXPECT_LINE"))

(defun archrules--emit (step ok &rest data)
  (let ((obj (append (list (cons 'step step) (cons 'ok (if ok t :json-false))
                           (cons 'ms (round (* 1000 (- (float-time) archrules--start)))))
                     (cl-loop for (k v) on data by #'cddr collect (cons k v)))))
    (with-temp-buffer
      (insert (json-encode obj) "\n")
      (append-to-file (point-min) (point-max) archrules--results))))

(defun archrules--fail (step &rest data)
  (apply #'archrules--emit step nil data)
  (kill-emacs 1))

(defun archrules--wait (seconds pred)
  (let ((deadline (+ (float-time) seconds)) (v nil))
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))

(defun archrules--ours ()
  (cl-remove-if-not (lambda (d) (equal (lsp:diagnostic-code? d) archrules--code))
                    (gethash (lsp--fix-path-casing buffer-file-name) (lsp-diagnostics t))))

;; Quiet, non-interactive lsp-mode (test-only settings).
(setq lsp-auto-guess-root t
      lsp-enable-file-watchers nil
      lsp-diagnostics-provider :none
      lsp-keep-workspace-alive nil
      lsp-restart 'ignore
      lsp-enable-snippet nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-modeline-workspace-status-enable nil
      lsp-lens-enable nil
      lsp-enable-symbol-highlighting nil
      lsp-session-file (expand-file-name "lsp-session" (getenv "XDG_STATE_HOME")))

;;; The documented registration (the command from the environment).
(with-eval-after-load 'lsp-mode
  (lsp-register-custom-settings
   '(("archrules.diagnosticMode" "openFilesOnly")))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (list (getenv "ARCHRULES_LSP")))
    :activation-fn (lsp-activate-on "python" "javascript" "typescript" "yaml")
    :add-on? t
    :server-id 'archrules
    :notification-handlers (ht ("archrules/status" #'ignore))
    :initialized-fn (lambda (workspace)
                      (with-lsp-workspace workspace
                        (lsp--set-configuration (lsp-configuration-section "archrules")))))))

(condition-case err
    (progn
      (find-file (getenv "ARCHRULES_FILE"))
      (lsp)
      (unless (archrules--wait 20 (lambda () (and (lsp-workspaces)
                                                  (eq (lsp--workspace-status (car (lsp-workspaces))) 'initialized))))
        (archrules--fail "attach" 'error "lsp-mode did not initialize within 20 s"))
      (let ((ws (car (lsp-workspaces))))
        (archrules--emit "attach" t
                         'major_mode (symbol-name major-mode)
                         'root (lsp--workspace-root ws)
                         'server (symbol-name (lsp--client-server-id (lsp--workspace-client ws)))))

      (unless (archrules--wait 20 #'archrules--ours)
        (archrules--fail "diagnostic" 'error (format "no %s diagnostic within 20 s" archrules--code)))
      (let* ((d (car (archrules--ours)))
             (start (lsp:range-start (lsp:diagnostic-range d))))
        (archrules--emit "diagnostic" t
                         'code (lsp:diagnostic-code? d)
                         'source (lsp:diagnostic-source? d)
                         'severity (lsp:diagnostic-severity? d)
                         'message (lsp:diagnostic-message d)
                         'line (lsp:position-line start))
        (goto-char (lsp--position-to-point start))

        ;; hover
        (let* ((hover (lsp-request "textDocument/hover" (lsp--text-document-position-params)))
               (contents (and hover (lsp:hover-contents hover)))
               (text (cond ((stringp contents) contents)
                           ((and contents (lsp-markup-content? contents)) (lsp:markup-content-value contents))
                           ((vectorp contents)
                            (mapconcat (lambda (c) (if (stringp c) c (lsp:marked-string-value c))) contents "\n"))
                           (t ""))))
          (archrules--emit "hover" (and (string-search archrules--line text) t) 'text text))

        ;; code actions for the line (as `M-x lsp-execute-code-action' asks)
        (let* ((actions (append (lsp-code-actions-at-point) nil))
               (titles (mapcar #'lsp:code-action-title actions))
               (chosen (cl-find-if (lambda (a) (not (string-match-p "\\`\\(Ignore\\|Show rule\\)"
                                                                    (lsp:code-action-title a))))
                                   actions))
               (tick (buffer-modified-tick)))
          (archrules--emit "code_actions" (and chosen t) 'titles (vconcat titles)
                           'chosen (and chosen (lsp:code-action-title chosen)))
          (unless chosen (archrules--fail "apply" 'error "no rule fix offered"))
          (lsp-execute-code-action chosen)
          (archrules--wait 5 (lambda () (/= tick (buffer-modified-tick))))
          (archrules--emit "apply" (and (save-excursion (goto-char (point-min))
                                                        (search-forward archrules--line nil t))
                                        t))))

      (let ((cleared (archrules--wait 15 (lambda () (null (archrules--ours))))))
        (archrules--emit "cleared" (and cleared t)))
      (save-buffer)
      (archrules--emit "write" (not (buffer-modified-p)) 'file buffer-file-name)
      (kill-emacs 0))
  (error (archrules--fail "error" 'error (format "%S" err))))
