"""``python -m cccsim`` = the ``cccsim`` command."""

from cccsim.cli import main

main()
