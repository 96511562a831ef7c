from c2m_tui.cli import main

raise SystemExit(main())
