"""Monthly distribution: build every report of a manifest for a period, record them, deliver them.

    manifest.yaml ─validate─▶ Manifest                         manifest.py
                  ─hash────▶ inputs hash per report             inputs.py
                  ─compare─▶ unchanged, or a build job          contents.py (OUT/<period>/manifest.json)
                  ─render──▶ bytes in a process pool            runner.py
                  ─publish─▶ documents, manifest.json, index    contents.py, index.py
                  ─plan────▶ each recipient's documents         delivery.py, ledger.py
                  ─send────▶ one email per recipient            sending.py, mail.py (--send only)

``run.distribute`` calls the stages in that order. Every file is written
atomically; the ledger is written before and after each message, so a run
that stops anywhere can be rerun and sends only what was not sent.
"""
