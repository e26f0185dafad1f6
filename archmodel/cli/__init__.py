"""The `archmodel` command line (click): thin commands over the core."""
