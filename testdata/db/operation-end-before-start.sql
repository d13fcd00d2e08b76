-- An operation completed before it was requested.
UPDATE operations SET t_complete = t_request - 1 WHERE id = 1;
