-- An object requested at INT64_MIN + 1 ns: its other times minus the
-- request overflowed in show object (cmd_show.c) and the HTML report's
-- rows (html.c), and the Chrome export's start of the slice (chrome.c).
UPDATE objects SET t_request = -9223372036854775807 WHERE id = 1;
