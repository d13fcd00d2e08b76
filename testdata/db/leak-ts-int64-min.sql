-- A leak established at INT64_MIN + 1 ns: the Chrome export's time from
-- the trace start overflowed (chrome.c ev_start).
UPDATE leaks SET ts = -9223372036854775807;
