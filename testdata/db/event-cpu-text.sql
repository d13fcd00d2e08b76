-- Text where offtrace writes an integer.
UPDATE events SET cpu = 'x' WHERE id = 3;
