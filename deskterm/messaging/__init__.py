"""Messages to technicians (issue #14): their addresses (``addresses.py``), the words
(``compose.py``), the outbox written with each dispatch (``outbox.py``) and the sender
that delivers it through apprise in the background (``sender.py``; ``cli.py`` runs it as
``deskterm outbox send``). No Textual here: the desk shows the states it reads."""
