"""Background work: job functions, the schedule, and the engine that runs them.

On PostgreSQL the engine is procrastinate (the queue is a table, workers take jobs with
row locks and LISTEN/NOTIFY, periodic ticks are deduplicated across workers, and a
worker's heartbeat tells a killed worker's jobs from running ones). On the embedded
SQLite default the same job functions run in the server's own process, on procrastinate's
in-memory connector, so `make run` alone does everything. There is no second job system.

Import direction: `services -> jobs -> (auth, gateways, models)`. A job function gets
what it needs from the outside world through `JobRun.services` (a protocol, like
auth's), and never holds a database transaction open while it waits on the network.
"""
