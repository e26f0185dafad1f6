"""`python -m archmodel.cli`: the same as the `archmodel` command."""

from archmodel.cli.main import main

main()
