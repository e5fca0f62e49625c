"""The demo office (非凡物业翠湖花园管理处): a realistic office with two years of history
that ends "now", so every pane of the desk has something live to show.

``deskterm.demo.build.build_demo()`` is the entry point; ``sandbox`` decides when to
(re)build it for ``deskterm demo``. The builders are split by record family: ``org``
(office, people, homes, fees), ``orders``, ``desk`` (complaints, visitors, enquiries),
``money``, ``shift`` (night log, handover, attendance, tasks) and ``backoffice``; ``names``
and ``texts`` hold the names, phone numbers and words they pick from, ``common`` the
calendar, rota and bulk writer they share.
"""
