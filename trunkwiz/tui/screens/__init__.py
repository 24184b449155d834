"""One screen per step of the vendor's procedure, plus the small modal dialogs."""
