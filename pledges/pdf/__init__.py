"""PDF documents: the declaration, the signature sheet, an event's pacts and its QR poster.

`documents` builds them from the database and Django templates; `engine` and `fetcher` render HTML with
WeasyPrint and import nothing from Django, so that rendering workers can run them in separate processes.
Issued documents are sealed by `seal` and carry what `archive` writes (the manifest, the pacts' log entries);
`public` stores the public copies; `verify` judges an uploaded PDF, which `sandbox` reads in a child process
with limits (no Django there either).
"""
