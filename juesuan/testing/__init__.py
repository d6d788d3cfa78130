"""Generators of documents from known values, for juesuan's tests and benchmarks only.

``synth.make_document`` builds a disclosure from known figures; ``synth.to_text`` and ``render.to_pdf`` /
``render.to_xlsx`` print it in each form juesuan reads, so every reader can be checked cell for cell. Nothing in the
library imports this package; it needs the ``dev`` extra (reportlab) for PDFs.
"""
