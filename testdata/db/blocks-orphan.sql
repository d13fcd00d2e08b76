-- Blocks of an object that is not there: check-db names each.
UPDATE blocks SET object_id = 99;
