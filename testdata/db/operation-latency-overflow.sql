-- An operation requested at INT64_MIN + 1 ns and completed in 2023: its
-- latency does not fit in 64 bits.  show op subtracted it (cmd_show.c);
-- SQL's t_complete - t_request turned into a real and the report printed
-- an initiate p50 of 9223372036854775807 ns; now it saturates and prints
-- "out of range".
UPDATE operations SET t_request = -9223372036854775807 WHERE id = 1;
