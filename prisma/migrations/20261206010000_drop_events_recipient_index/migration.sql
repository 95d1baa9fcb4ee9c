-- Drops the index of events by recipient. Nothing reads events by recipient (a message's timeline reads
-- them by message, events_message_id_created_at_idx); the index served the foreign key to recipients,
-- whose ON DELETE CASCADE looked events up by it, and that key is gone
-- (20261206000000_drop_time_partitioned_foreign_keys). Every event paid for it: two of the 35 index
-- entries a delivered message writes, about 2.5% of its WAL, and an index on the largest table.
DROP INDEX "events_recipient_id_idx";
