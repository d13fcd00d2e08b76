-- A column of offtrace's schema dropped (another tool's migration):
-- check-db names it once, and leaves out the checks that read it.
ALTER TABLE objects DROP COLUMN t_last;
