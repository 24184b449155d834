"""The command line's definitions, one light module per sub-command.

``trunkwiz.cli.args.<command>`` holds what ``--help``, ``trunkwiz completion`` and
``trunkwiz man`` show of a command: ``DESCRIPTION`` and ``EPILOG`` (its help text and
examples), ``add_arguments(parser)``, and when it has some, ``NO_EFFECT`` (the connection
options it refuses) and ``DEPENDS`` (options that act only with or without another). These
modules import only the standard library and :mod:`trunkwiz.cli.args.options` (the
options several commands share), so building every command's parser stays cheap. What a
command does is its run module (``trunkwiz.cli.COMMANDS``), imported only to run it.
"""
