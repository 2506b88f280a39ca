"""``python -m wallet`` behaves like the ``badgewallet`` command."""

from wallet.main import main

raise SystemExit(main())
