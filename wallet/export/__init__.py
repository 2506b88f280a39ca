"""Share and prove: links, QR codes, baked badges, portfolio sites and résumé bundles.

Everything here reads the store and the verifier and writes files; nothing
here imports Qt.  The one thing that needs Qt – turning HTML into a PDF – is
passed in as a callable (``pdf_renderer``) by the face that owns Qt.

Modules (import the one you need; the package namespace stays light so that
asking for a link does not load the JSON-LD machinery):

* ``links``       verification URL, LinkedIn "add to profile", copy fields
* ``qr``          QR PNG/SVG out, QR decoding in (recruiter mode)
* ``artwork``     the badge image to show or bake (original, embedded, generated)
* ``bake``        a stored credential baked into its own PNG/SVG
* ``site``        a static portfolio folder
* ``bundle``      the résumé bundle ZIP; ``presentation`` its signed VP,
                  ``manifest`` its hash list, ``resume`` its JSON Resume
* ``recruiter_checks`` checking a bundle ZIP or a QR image someone sent
* ``portfolio`` / ``render`` / ``templates/``  what pages show, and the Jinja setup
* ``atomic``      temp file + ``os.replace`` for every file written
"""
