"""`python -m bench` (`make bench`): numbers about linehub, not pass/fail.

Scenarios are named async functions registered with `bench.core.scenario`; each gets the
shared `bench.env.BenchEnv` (a temporary SQLite database with the demo, the ASGI app and
an HTTP client) and returns a `bench.core.Table`. To add one, write a module with an
`@scenario("name", "what it measures")` function and import it in `bench/__main__.py`.

`bench.querycount` counts SQL statements at the database driver; the tests use it too
(tests/querycount.py). bench never imports tests.
"""
