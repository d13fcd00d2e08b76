-- Terminal escapes in names from a trace or a database: show, the text
-- report, CSV and query printed ESC and BEL raw.
UPDATE objects SET adapter = 'nic' || char(27) || '[2J' || char(7);
UPDATE events SET adapter = 'nic' || char(27) || '[2J' || char(7);
UPDATE operations SET adapter = 'nic' || char(27) || '[2J' || char(7);
UPDATE leaks SET adapter = 'nic' || char(27) || '[2J' || char(7), reason = char(27) || ']0;x';
UPDATE inputs SET file = 'w' || char(27) || '[31m.jsonl';
