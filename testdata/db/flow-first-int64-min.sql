-- A flow whose first packet is at INT64_MIN + 1 ns: show flow's times
-- after the first overflowed (cmd_show.c put_since).
UPDATE flows SET first_ns = -9223372036854775807 WHERE id = 1;
