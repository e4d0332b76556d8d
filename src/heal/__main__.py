import sys

from heal.entry import main

sys.exit(main())
