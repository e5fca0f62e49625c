"""What the desk prints, and the printers it reaches (issue #14): a ``Document`` (lines in
parts, each part ending in a cut: a receipt's customer copy and its stub, a repair slip and
its stub) and where it goes. No Textual and no database here: duties make documents,
screens hand them to a printer through the kit's worker."""
