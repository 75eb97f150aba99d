"""Order execution (P2.4.a, P3.3): the working-day calendar, assignment rules and the tasks of an approved order."""
