"""`python -m archmodel.cli`: the same as the `archmodel` command."""

from archmodel.cli.entry import main

main()
