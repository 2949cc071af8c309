// Which documents the language client hands to the server, free of the `vscode` API.
//
// Every file, whatever its language: a rule's `file` glob can name any file
// (`*.go`, `*.tsx`, `*.proto`, ...), and the server ignores the files no rule
// names (one cheap check per open document). Not `untitled:` documents: they
// have no path yet, so no rule's glob can name them.

export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

export const DOCUMENT_SELECTOR: DocumentFilter[] = [{ scheme: "file" }];
