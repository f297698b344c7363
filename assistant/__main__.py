from assistant.cli.parser import exit_now, main

exit_now(main())
