-- Markup where offtrace writes a fate, a state and a rule: the HTML
-- timeline printed them unescaped (html.c object_row, bar titles).
UPDATE objects SET fate = '<b>x</b>', state = '<i>s';
UPDATE violations SET rule = '<u>';
