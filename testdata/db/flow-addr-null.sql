-- NULL where offtrace writes a flow's address: check's W3 details passed
-- it to printf's %s (check.c syn_line).
UPDATE flows SET a_addr = NULL, b_addr = NULL;
