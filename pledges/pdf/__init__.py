"""PDF documents: the declaration, the signature sheet, an event's pacts and its QR poster.

`documents` builds them from the database and Django templates; `engine` and `fetcher` render HTML with
WeasyPrint and import nothing from Django, so that rendering workers can run them in separate processes.
"""
