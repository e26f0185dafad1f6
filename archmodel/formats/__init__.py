"""One escaping kit per target language, shared by every generator that writes it.

``markdown`` (Markdown rendered to HTML: the docs site and the threat register), ``csv``
(spreadsheets: formula injection), ``yaml`` (Helm, Kubernetes, CI, ``mkdocs.yml``),
``hcl`` (Terraform), ``dot`` (Graphviz), ``mermaid``, ``svg`` and ``text`` (the one-line
plain text they start from). User strings reach a generated file only through these.
"""
