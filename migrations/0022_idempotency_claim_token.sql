-- Each claim of an Idempotency-Key carries a token of its own: renewing the lease, writing the
-- answer and releasing the key act only on the claim they were made for, never on a key another
-- request has taken over since (its lease ran out) or on one already answered.
ALTER TABLE idempotency_keys ADD COLUMN claim_token text;
