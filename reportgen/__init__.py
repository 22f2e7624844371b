"""reportgen: checked narrative statements and committee papers for UK councils.

The pipeline, top to bottom, is in ``reportgen.pipeline``; the command line in
``reportgen.cli``. Importing this package imports nothing heavy.
"""

__version__ = "0.1.0"
