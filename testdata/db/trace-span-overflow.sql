-- A trace that starts at INT64_MIN + 1 ns: its span overflowed in the
-- text and HTML reports (text.c, html.c: end_ns - start_ns, the time axis
-- and every time relative to the start).
UPDATE traces SET start_ns = -9223372036854775807;
